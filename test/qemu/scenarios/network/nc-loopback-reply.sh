# A request and a reply over loopback: the server answers after the
# client's half-close, the client prints the reply.
nc -l -p 5002 -e sh -c 'read line; echo "got [$line]"' &
until echo request | nc 127.0.0.1 5002 2>/dev/null; do usleep 10000; done
wait
