mkdir -p one/two
cd one/two
pwd
cd ..
pwd
cd /
pwd
cd /nonexistent
echo "status $?"
