mkfifo p
stat -c %F p
(echo through the fifo > p) &
cat p
wait
