dd if=/dev/zero bs=1k count=512 2>/dev/null | md5sum
seq 1 50000 | wc -c
yes | head -n 100000 | wc -l
