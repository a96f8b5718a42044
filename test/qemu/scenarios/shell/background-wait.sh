(sleep 0.2; echo background) &
echo foreground
wait
echo done
