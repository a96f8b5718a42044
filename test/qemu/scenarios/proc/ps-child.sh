# ps must see the child settled in its own image: after the exec (BusyBox
# re-execs itself as /proc/self/exe, then renames comm from "exe") and
# asleep. The loop waits for that state, not for an amount of time.
sleep 30 &
pid=$!
until [ "$(cat /proc/$pid/comm)" = sleep ] && grep -q '^State:.S' /proc/$pid/status; do :; done
ps -o pid,args | grep '[s]leep 30' | awk '{print $2, $3}'
ps -o stat,args | grep '[s]leep 30' | awk '{print substr($1, 1, 1)}'
kill $!
