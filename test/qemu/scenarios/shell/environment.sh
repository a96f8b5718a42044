FOO=bar env | grep '^FOO='
export X=1
sh -c 'echo X=$X'
unset X
sh -c 'echo X=${X:-unset}'
env -i /bin/sh -c 'echo PATH=${PATH:-empty}' | grep -c PATH
