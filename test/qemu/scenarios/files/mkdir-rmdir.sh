mkdir -p a/b/c
ls -R a
rmdir a/b/c a/b a
ls -a
mkdir a
mkdir a
echo "status $?"
