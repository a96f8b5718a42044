f() { echo "argument $1"; return 2; }
f x
echo $?
for i in 1 2 3; do echo "item $i"; done
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); done
echo $i
until [ $i -eq 0 ]; do i=$((i - 1)); done
echo $i
