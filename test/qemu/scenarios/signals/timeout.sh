timeout 1 sleep 5
echo $?
timeout 5 true
echo $?
