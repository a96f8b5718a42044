seq 1 1000 | grep 7 | wc -l
seq 1 20 | sed -n '5,7p' | tac
