cat > script.sh <<'EOF'
#!/bin/sh
echo "script $# $*"
exit 9
EOF
chmod +x script.sh
./script.sh one two
echo $?
sh script.sh three
echo $?
