readlink /proc/self/exe
cat /proc/self/cmdline | tr '\0' ' '
echo
cat /proc/self/comm
exec 5</etc/passwd
readlink /proc/$$/fd/5
[ "$(readlink /proc/self)" = "$$" ] || echo "/proc/self is not the shell: ok, it is readlink"
