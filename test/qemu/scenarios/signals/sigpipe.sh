yes | head -n 2
seq 1 100000 | head -n 1
echo done
