grep -E '^(Name|State|Uid|Gid):' /proc/self/status
awk '/^PPid:/ {print ($2 > 0)}' /proc/self/status
