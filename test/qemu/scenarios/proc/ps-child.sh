sleep 3 &
ps -o pid,args | grep '[s]leep 3' | awk '{print $2, $3}'
ps -o stat,args | grep '[s]leep 3' | awk '{print substr($1, 1, 1)}'
kill $!
