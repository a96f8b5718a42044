sh -c 'exit 5' &
wait $!
echo $?
sh -c 'exit 1' & first=$!
sh -c 'exit 2' & second=$!
wait $second
echo $?
wait $first
echo $?
