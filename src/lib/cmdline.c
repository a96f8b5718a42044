/*
 * cmdline.c — parsing option lines into key/value options. Shared by every
 * ring: the Core parses the kernel command line with it, the hosted backend
 * its own hosted.* options.
 */
#include <rk/cmdline.h>
#include <rk/errno.h>
#include <rk/string.h>

static bool is_space(char character)
{
    return character == ' ' || character == '\t' || character == '\n' || character == '\r';
}

/*
 * Copy the word at *cursor into storage at *used (quotes removed) and
 * NUL-terminate it. Returns 0, -E2BIG when storage is full, -EINVAL on an
 * unterminated quote. Advances *cursor past the word.
 */
static int copy_word(struct cmdline *cmdline, const char **cursor, size_t *used)
{
    bool quoted = false;
    const char *source = *cursor;
    for (; *source && (quoted || !is_space(*source)); source++) {
        if (*source == '"') {
            quoted = !quoted;
            continue;
        }
        if (*used + 1 >= sizeof cmdline->storage)
            return -E2BIG;
        cmdline->storage[(*used)++] = *source;
    }
    *cursor = source;
    if (quoted)
        return -EINVAL;
    if (*used + 1 > sizeof cmdline->storage)
        return -E2BIG;
    cmdline->storage[(*used)++] = '\0';
    return 0;
}

int cmdline_parse(struct cmdline *cmdline, const char *text)
{
    cmdline->option_count = 0;
    cmdline->init_arguments = "";
    size_t used = 0;
    const char *cursor = text ? text : "";
    for (;;) {
        while (is_space(*cursor))
            cursor++;
        if (!*cursor)
            return 0;
        if (cursor[0] == '-' && cursor[1] == '-' && (cursor[2] == '\0' || is_space(cursor[2]))) {
            cursor += 2;
            while (is_space(*cursor))
                cursor++;
            size_t length = strlen(cursor);
            if (used + length + 1 > sizeof cmdline->storage)
                return -E2BIG;
            memcpy(cmdline->storage + used, cursor, length + 1);
            cmdline->init_arguments = cmdline->storage + used;
            return 0;
        }
        if (cmdline->option_count == CMDLINE_MAX_OPTIONS)
            return -E2BIG;
        size_t start = used;
        int error = copy_word(cmdline, &cursor, &used);
        if (error < 0)
            return error;
        char *word = cmdline->storage + start;
        char *equals = strchr(word, '=');
        struct cmdline_option *option = &cmdline->options[cmdline->option_count++];
        option->key = word;
        if (equals) {
            *equals = '\0';
            option->value = equals + 1;
        } else {
            option->value = word + strlen(word); /* "" */
        }
    }
}

const char *cmdline_get(const struct cmdline *cmdline, const char *key)
{
    for (size_t i = cmdline->option_count; i-- > 0;)
        if (strcmp(cmdline->options[i].key, key) == 0)
            return cmdline->options[i].value;
    return NULL;
}

bool cmdline_has(const struct cmdline *cmdline, const char *key)
{
    return cmdline_get(cmdline, key) != NULL;
}

int cmdline_get_u64(const struct cmdline *cmdline, const char *key, uint64_t *value)
{
    const char *text = cmdline_get(cmdline, key);
    if (!text)
        return -ENOENT;
    unsigned base = 10;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text += 2;
    }
    uint64_t result = 0;
    const char *cursor = text;
    for (;; cursor++) {
        unsigned digit;
        if (*cursor >= '0' && *cursor <= '9')
            digit = (unsigned)(*cursor - '0');
        else if (base == 16 && *cursor >= 'a' && *cursor <= 'f')
            digit = (unsigned)(*cursor - 'a' + 10);
        else if (base == 16 && *cursor >= 'A' && *cursor <= 'F')
            digit = (unsigned)(*cursor - 'A' + 10);
        else
            break;
        if (__builtin_mul_overflow(result, base, &result) ||
            __builtin_add_overflow(result, digit, &result))
            return -EINVAL;
    }
    if (cursor == text)
        return -EINVAL;
    unsigned shift = 0;
    switch (*cursor) {
    case 'k': case 'K': shift = 10; cursor++; break;
    case 'm': case 'M': shift = 20; cursor++; break;
    case 'g': case 'G': shift = 30; cursor++; break;
    default: break;
    }
    if (*cursor != '\0')
        return -EINVAL;
    if (shift && result > (UINT64_MAX >> shift))
        return -EINVAL;
    *value = result << shift;
    return 0;
}
