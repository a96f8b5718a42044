sh -c 'trap "" INT; kill -INT $$; echo survived'
