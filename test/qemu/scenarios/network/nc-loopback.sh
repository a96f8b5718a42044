# TCP over the guest's loopback with BusyBox nc: 1 MiB one way. The
# receiver's input stays open (a FIFO held by fd 3) so that it does not
# half-close first; the sender's end of input shuts its side down, the
# receiver sees EOF and exits, and so does the sender.
dd if=/dev/zero bs=1024 count=1024 2>/dev/null | tr '\0' 'x' >data
mkfifo hold
nc -l -p 5001 >received <hold &
exec 3>hold
until nc 127.0.0.1 5001 <data 2>/dev/null; do usleep 10000; done
wait
exec 3>&-
wc -c <received
cmp data received && echo same
