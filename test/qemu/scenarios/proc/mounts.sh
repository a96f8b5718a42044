grep -E ' (/proc|/dev) ' /proc/mounts | awk '{print $1, $2, $3}'
