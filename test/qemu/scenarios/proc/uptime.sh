uptime | sed -E 's/[0-9]+/N/g; s/ +/ /g'
