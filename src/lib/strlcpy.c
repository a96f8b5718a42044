/* strlcpy.c — bounded string copy shared by every ring. */
#include <rk/string.h>

size_t rk_strlcpy(char *destination, const char *source, size_t size)
{
    size_t source_length = strlen(source);
    if (size > 0) {
        size_t copy = source_length < size - 1 ? source_length : size - 1;
        memcpy(destination, source, copy);
        destination[copy] = '\0';
    }
    return source_length;
}
