x=outer
(x=inner; echo $x)
echo $x
(cd /tmp; pwd)
pwd
(exit 4)
echo $?
