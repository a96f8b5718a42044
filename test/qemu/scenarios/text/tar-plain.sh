mkdir -p tree/sub
echo one > tree/one
echo two > tree/sub/two
tar cf t.tar tree
tar tf t.tar | sort
mkdir out
tar xf t.tar -C out
cat out/tree/sub/two
