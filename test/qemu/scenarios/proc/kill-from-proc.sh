sleep 5 &
pid=$!
[ -d /proc/$pid ] && echo exists
kill $pid
wait $pid
[ -d /proc/$pid ] || echo reaped
