echo hi | base64
echo aGkK | base64 -d
