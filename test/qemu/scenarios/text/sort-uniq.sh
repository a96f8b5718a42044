printf 'b\na\nb\nc\na\nb\n' | sort | uniq -c
printf 'b\na\nb\n' | sort -u
printf '10\n9\n100\n-1\n' | sort -n
printf '10\n9\n100\n-1\n' | sort -rn | head -n 1
printf 'x 2\ny 1\n' | sort -k2
