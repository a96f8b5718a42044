echo first > f
cat < f | tr a-z A-Z > g
cat g
echo second | tee -a f > /dev/null
cat f
