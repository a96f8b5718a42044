sh -c 'trap "echo bye" EXIT; echo hi'
sh -c 'trap "echo cleanup" EXIT; exit 3'
echo $?
