trap 'echo x' USR2
trap
trap - USR2
trap
echo none left
