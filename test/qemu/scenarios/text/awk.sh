seq 1 100 | awk '{s += $1} END {print s, NR}'
echo 'root:x:0:0' | awk -F: '{print $1, NF}'
awk -F: '{print $1}' /etc/passwd
awk 'BEGIN {printf "%d %s %.2f\n", 42, "str", 3.14159}'
