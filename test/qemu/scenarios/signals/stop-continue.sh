# ash may or may not report "Terminated" for a job it saw stopped (a race
# on Linux too), so that one line is filtered out.
(
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
) 2>&1 | grep -v '^Terminated$'
