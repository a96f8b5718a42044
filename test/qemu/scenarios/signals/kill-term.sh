# wait's "Terminated" report depends on whether the child died before `wait`
# began (luck, on Linux too): dropped; the status 128 + SIGTERM is checked.
sleep 10 &
pid=$!
kill $pid
wait $pid 2>/dev/null
echo $?
