sleep 10 &
kill -9 $!
wait $!
echo $?
