echo 'a:b:c:d' | cut -d: -f2,4
echo hello | tr 'a-y' 'b-z'
printf 'one two\nthree\n' | wc
echo aaa | tr -s a
