setsid sh -c 'sleep 5 & sleep 5 & sleep 0.2; kill -TERM 0; sleep 1; echo not reached'
echo "group status $?"
