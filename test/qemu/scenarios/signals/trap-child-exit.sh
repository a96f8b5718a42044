sh -c 'trap "echo child stopped" CHLD; sleep 0.1; wait; echo parent done' | sort
