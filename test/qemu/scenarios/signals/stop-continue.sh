sleep 2 &
pid=$!
kill -STOP $pid
sleep 0.2
grep '^State' /proc/$pid/status
kill -CONT $pid
sleep 0.2
grep '^State' /proc/$pid/status
kill $pid
wait $pid
echo $?
