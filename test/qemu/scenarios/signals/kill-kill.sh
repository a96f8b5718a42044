# ash prints "Killed" only when the child dies after `wait` has begun (which
# one runs first is luck, on Linux too), so wait's own report is dropped:
# the status 128 + SIGKILL is what is checked.
sleep 10 &
kill -9 $!
wait $! 2>/dev/null
echo $?
