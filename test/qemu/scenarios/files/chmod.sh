touch f
chmod 751 f
stat -c '%a %A' f
chmod u-x,g+w f
stat -c '%a' f
chmod a=r f
stat -c '%A' f
mkdir d
chmod 700 d
stat -c '%a' d
