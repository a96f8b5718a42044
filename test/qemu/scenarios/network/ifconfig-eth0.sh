# eth0 as ip= configured it at boot (QEMU user networking), seen by ifconfig.
ifconfig eth0 | grep -o 'Link encap:[A-Za-z]*  HWaddr [0-9A-F:]*'
ifconfig eth0 | grep -o 'inet addr:[0-9.]*  Bcast:[0-9.]*  Mask:[0-9.]*'
ifconfig eth0 | grep -wo 'UP'
ifconfig eth0 | grep -o 'MTU:[0-9]*'
ifconfig | grep -o '^[a-z0-9]*' | sort
