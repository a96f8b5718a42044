ps -o pid,args | awk '$1 == 1 {print}'
