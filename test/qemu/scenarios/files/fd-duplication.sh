exec 3> three
echo via three >&3
exec 3>&-
cat three
{ echo to-stdout; echo to-stderr >&2; } 2>&1 | sort
exec 4<three
read line <&4
echo "read: $line"
