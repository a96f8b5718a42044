# The loopback interface: always up at 127.0.0.1/8.
ifconfig lo | grep -o 'Link encap:Local Loopback'
ifconfig lo | grep -o 'inet addr:[0-9.]*  Mask:[0-9.]*'
ifconfig lo | grep -o 'UP LOOPBACK RUNNING'
