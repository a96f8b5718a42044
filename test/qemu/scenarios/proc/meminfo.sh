grep -E '^(MemTotal|MemFree|MemAvailable):' /proc/meminfo | sed -E 's/[0-9]+/N/; s/ +/ /g'
awk '/^MemTotal:/ {print ($2 > 100000)}' /proc/meminfo
