# ash may or may not report "Terminated" for a job it saw stopped (a race
# on Linux too), so that one line is filtered out. The loops wait for the
# state change itself (the child runs to stop or to sleep again), not for
# an amount of time.
(
sleep 30 &
pid=$!
kill -STOP $pid
until grep -q '^State:.T' /proc/$pid/status; do :; done
grep '^State' /proc/$pid/status
kill -CONT $pid
until grep -q '^State:.S' /proc/$pid/status; do :; done
grep '^State' /proc/$pid/status
kill $pid
wait $pid
echo $?
) 2>&1 | grep -v '^Terminated$'
