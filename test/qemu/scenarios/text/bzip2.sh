seq 1 1000 | bzip2 | bzip2 -d | tail -n 1
seq 1 1000 | bzip2 -c > s.bz2
bzcat s.bz2 | md5sum
seq 1 1000 | md5sum
