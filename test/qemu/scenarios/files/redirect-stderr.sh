ls /nonexistent 2> err
echo "status $?"
cat err
ls /nonexistent > out 2>&1
cat out
