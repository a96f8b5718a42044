# wait's "Terminated" report is luck (whether the child died before `wait`
# began): dropped, the status is printed instead.
sleep 5 &
pid=$!
[ -d /proc/$pid ] && echo exists
kill $pid
wait $pid 2>/dev/null
echo "status $?"
[ -d /proc/$pid ] || echo reaped
