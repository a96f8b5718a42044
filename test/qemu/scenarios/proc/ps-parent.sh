sh -c 'ps -o pid,ppid,args | awk -v me=$$ "\$1 == me {print \"shell found\"}"'
