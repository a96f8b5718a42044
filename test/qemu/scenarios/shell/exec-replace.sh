sh -c 'exec echo replaced; echo not reached'
sh -c 'exec 2>/dev/null; ls /nonexistent; echo quiet'
