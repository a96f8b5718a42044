# pidof finds the child by name only once it has exec'd sleep: the loop
# waits for that, not for an amount of time.
sleep 30 &
pid=$!
until [ "$(cat /proc/$pid/comm)" = sleep ]; do :; done
pidof sleep | wc -w
kill $pid
wait
