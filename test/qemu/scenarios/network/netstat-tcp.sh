# netstat -tln/-tn over /proc/net/tcp: httpd listening on 127.0.0.1:5000 and
# one loopback connection to it (ephemeral ports replaced by EPHEMERAL).
# netstat's stderr is dropped: BusyBox complains when there is no
# /proc/net/tcp6 (a kernel without IPv6), which is not what is checked here.
httpd -p 127.0.0.1:5000 -h "$PWD"
netstat -tln 2>/dev/null | grep ':5000 '
mkfifo hold
nc 127.0.0.1 5000 <hold >/dev/null &
exec 3>hold
until netstat -tn 2>/dev/null | grep -q 'ESTABLISHED'; do usleep 10000; done
netstat -tn 2>/dev/null | grep ':5000 ' | sed 's/127\.0\.0\.1:[1-9][0-9][0-9][0-9][0-9]/127.0.0.1:EPHEMERAL/g' | sort
exec 3>&-
wait
kill $(pidof httpd) && echo stopped
