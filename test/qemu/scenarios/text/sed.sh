printf 'a1\nb2\nc3\n' | sed -e 's/[0-9]/<&>/' -e '2d'
printf 'x\ny\n' > f
sed -i 's/y/Y/' f
cat f
echo hello world | sed -E 's/(\w+) (\w+)/\2 \1/'
