# BusyBox httpd on 127.0.0.1:8081 and wget from it, inside the guest.
mkdir www
echo 'hello from httpd' >www/index.html
httpd -p 127.0.0.1:8081 -h "$PWD/www" && echo started
wget -q -O - http://127.0.0.1:8081/index.html
wget -q -O - http://127.0.0.1:8081/missing.html; echo "missing: status $?"
kill $(pidof httpd) && echo stopped
