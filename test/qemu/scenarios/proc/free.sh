free | sed -E 's/[0-9]+/N/g; s/ +/ /g'
free | awk '/^Mem:/ {print ($2 > 0), ($2 >= $3), ($2 >= $4)}'
