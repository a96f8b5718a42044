sleep 0.1
sleep 1
usleep 1000
echo slept
