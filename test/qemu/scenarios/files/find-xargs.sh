mkdir -p t/a t/b
touch t/a/x.c t/b/y.c t/b/z.h
find t -name '*.c' | sort | xargs echo
find t -type d | sort
find t -type f | sort | xargs ls -1
find t -name '*.h' -exec echo found {} \;
