ln -s /etc/passwd p
readlink p
cat p
ln -s missing dangling
[ -e dangling ] || echo dangling is broken
[ -L dangling ] && echo dangling is a link
ln -s . loop
cd loop/loop/loop && pwd -P
