which ls
command -v sh
type echo | head -n 1
