sh -c 'echo $0 $1 $2' zero one two
sh -c 'exit 3'
echo $?
sh -c 'echo nested; sh -c "echo deeper"'
