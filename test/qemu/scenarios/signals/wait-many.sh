for i in 1 2 3; do (sleep 0.$i; exit $i) & done
wait
echo all done
