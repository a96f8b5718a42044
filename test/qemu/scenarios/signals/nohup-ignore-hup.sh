sh -c 'trap "" HUP; sh -c "kill -HUP \$\$; echo inherited ignore"'
