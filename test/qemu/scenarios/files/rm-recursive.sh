mkdir -p x/y
touch x/y/z x/w
rm -r x
[ -e x ] || echo gone
rm nothing
echo "status $?"
rm -f nothing
echo "status $?"
