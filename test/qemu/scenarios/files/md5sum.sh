printf 'hello\n' > h
md5sum h
sha1sum h
sha256sum h
md5sum h > sums
md5sum -c sums
