# Reconfigure eth0 with ifconfig (SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFFLAGS)
# and read the result back, then put the boot's configuration back.
ifconfig eth0 10.0.2.16 netmask 255.255.0.0 && echo set
ifconfig eth0 | grep -o 'inet addr:[0-9.]*  Bcast:[0-9.]*  Mask:[0-9.]*'
ifconfig eth0 down && echo down
ifconfig eth0 | grep -wo 'UP' || echo 'not UP'
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up && echo restored
ifconfig eth0 | grep -o 'inet addr:[0-9.]*  Bcast:[0-9.]*  Mask:[0-9.]*'
route add default gw 10.0.2.2 2>/dev/null
ifconfig nosuch0 2>&1; echo "status $?"
