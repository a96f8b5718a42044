seq 1 10000 > s
md5sum < s
gzip s
ls
gunzip s.gz
md5sum < s
gzip -c s | gzip -dc | wc -l
