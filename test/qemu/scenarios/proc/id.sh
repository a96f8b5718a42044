id
whoami
id -u
