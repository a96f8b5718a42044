grep -n root /etc/passwd
grep -c . /etc/group
grep -v x /etc/passwd
echo "status $?"
printf 'alpha\nbeta\ngamma\n' | grep -E 'a$|^b'
printf 'Alpha\n' | grep -i alpha
