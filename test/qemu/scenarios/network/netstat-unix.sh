# /proc/net/unix (what netstat -x reads): its header, then syslogd's
# datagram socket bound to /dev/log (type 0002, state 01 unconnected).
# BusyBox 1.35's netstat -x itself loops on "bogus data" on Linux 6.1 as
# soon as a socket is listed, so only its empty listing is checked.
netstat -x
head -1 /proc/net/unix
syslogd -O "$PWD/messages"
for try in $(seq 500); do
  grep -q /dev/log /proc/net/unix && break
  pidof syslogd >/dev/null || { echo 'syslogd is gone'; break; }
  usleep 10000
done
grep /dev/log /proc/net/unix | awk '{ print $2, $3, $4, $5, $6, $8 }'
kill $(pidof syslogd) && echo stopped
