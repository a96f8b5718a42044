kill -0 $$ && echo alive
sleep 10 &
kill -0 $! && echo child alive
kill $!
wait $!
kill -0 $! 2>/dev/null
echo "gone $?"
