truncate -s 1M sparse
stat -c %s sparse
dd if=sparse bs=4k count=1 2>/dev/null | od -An -tx1 | head -n 1
echo tail >> sparse
stat -c %s sparse
tail -c 5 sparse
truncate -s 3 sparse
od -An -c sparse
