ls /proc/self/fd | sort -n | head -n 3
exec 7>/tmp/seven
ls /proc/$$/fd | grep -c '^7$'
