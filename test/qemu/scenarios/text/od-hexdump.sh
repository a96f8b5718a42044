printf 'AB\001' | od -An -c
printf 'ABCD' | hexdump -C
printf 'hi' | xxd
