top -bn1 | head -n 4 | sed -E 's/[0-9]+(\.[0-9]+)?/N/g; s/ +/ /g'
