echo one > f
echo two >> f
cat f
wc -l < f
