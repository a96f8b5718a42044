sh -c 'kill -SEGV $$'
echo $?
sh -c 'kill -ABRT $$'
echo $?
sh -c 'kill -HUP $$'
echo $?
