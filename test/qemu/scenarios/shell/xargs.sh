seq 1 7 | xargs -n 3 echo
printf 'a\nb\n' | xargs -I{} echo item {}
