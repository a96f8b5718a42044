uname -s -m
uname -n
hostname
