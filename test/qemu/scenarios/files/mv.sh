echo data > a
mv a b
ls
cat b
mkdir d
mv b d/
ls d
mv d e
ls
