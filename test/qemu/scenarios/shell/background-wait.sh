# The background job prints only after the foreground echo (the fifo orders
# them, not a sleep's length); wait still has to wait for its sleep.
mkfifo go
(read line < go; sleep 0.2; echo background) &
echo foreground
echo go > go
wait
echo done
