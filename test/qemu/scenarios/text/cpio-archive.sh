mkdir d
echo content > d/f
find d | sort | cpio -o -H newc 2>/dev/null > a.cpio
mkdir x
cd x
cpio -i -d < ../a.cpio 2>/dev/null
cat d/f
