grep -c ^processor /proc/cpuinfo
nproc
