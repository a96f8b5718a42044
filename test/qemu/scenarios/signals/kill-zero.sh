# wait's "Terminated" report is luck (see kill-term): dropped.
kill -0 $$ && echo alive
sleep 10 &
kill -0 $! && echo child alive
kill $!
wait $! 2>/dev/null
kill -0 $! 2>/dev/null
echo "gone $?"
