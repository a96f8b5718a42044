seq 3
seq 2 2 10 | tr '\n' ' '
echo
printf '%x %o %e\n' 255 8 1.5
