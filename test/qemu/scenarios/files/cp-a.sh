mkdir src
echo content > src/file
chmod 640 src/file
ln -s file src/link
mkdir src/sub
cp -a src dst
stat -c '%A %s %N' dst/file dst/link
[ -d dst/sub ] && echo sub copied
cat dst/link
