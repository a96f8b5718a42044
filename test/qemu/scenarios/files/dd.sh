dd if=/dev/zero of=zeros bs=1k count=64 2>/dev/null
wc -c < zeros
dd if=/dev/zero bs=512 count=3 2>&1 >/dev/null | head -n 2
printf 'abcdefgh' | dd bs=1 skip=2 count=3 2>/dev/null
echo
dd if=/dev/urandom of=random bs=1k count=4 2>/dev/null
wc -c < random
