seq 1 100 | tail -n 3
seq 1 100 | head -n 2
seq 1 10 | tail -n +8
