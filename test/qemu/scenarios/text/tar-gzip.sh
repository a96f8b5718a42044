mkdir d
echo a > d/a
echo bb > d/b
tar czf d.tgz d
rm -r d
tar xzf d.tgz
cat d/a d/b
tar tzf d.tgz | sort
