echo x > a
ln a b
stat -c '%h' a
echo y >> b
cat a
rm a
stat -c '%h' b
