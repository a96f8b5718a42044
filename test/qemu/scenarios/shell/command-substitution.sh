a=$(echo nested $(echo deep))
echo "$a"
echo $(( $(seq 1 10 | wc -l) * 2 ))
b=`echo backticks`
echo $b
