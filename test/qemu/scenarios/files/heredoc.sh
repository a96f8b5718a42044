n=3
cat <<EOF
line $((n + 1))
literal \$n
EOF
cat <<'EOF'
quoted $n
EOF
