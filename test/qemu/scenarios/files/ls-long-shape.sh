mkdir d
printf 12345 > d/file
ln -s file d/link
ls -l d | tail -n +2 | awk '{print $1, $5, $NF}'
ls -ld d | cut -c1-10
