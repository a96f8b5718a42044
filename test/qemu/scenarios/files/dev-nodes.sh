echo hi > /dev/null
cat /dev/null | wc -c
head -c 8 /dev/zero | od -An -tx1
head -c 16 /dev/urandom | wc -c
echo full > /dev/full
echo "status $?"
