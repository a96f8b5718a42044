# The routing table: the subnet of eth0 and the default route through 10.0.2.2.
route -n
