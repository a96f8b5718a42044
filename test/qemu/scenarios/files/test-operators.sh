touch a
[ -f a ] && echo regular
[ -d . ] && echo directory
[ -s a ] || echo empty
[ -x /bin/busybox ] && echo executable
[ a -nt /nonexistent ] && echo newer
[ 3 -gt 2 ] && echo greater
