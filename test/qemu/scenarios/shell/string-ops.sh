s=hello.tar.gz
echo ${s%.gz} ${s%%.*} ${s#*.} ${#s}
echo ${undefined:-default}
printf '%s|%5s|%-5s|%03d\n' a b c 7
