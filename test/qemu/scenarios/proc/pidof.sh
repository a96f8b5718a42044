sleep 2 &
pidof sleep | wc -w
kill $!
wait
