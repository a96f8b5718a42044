printf 'a\nb\n' > one
printf 'a\nc\n' > two
diff -U0 one two > d
echo "status $?"
tail -n +3 d
diff one one
echo "status $?"
