/*
 * input.h — reading a fuzzer's input as a stream of typed values.
 *
 * Every reader is total: past the end of the input it returns zeroes (and
 * empty byte ranges), so any byte string decodes to something and a
 * shorter input is a prefix of a longer one's meaning. Little-endian.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fuzz_input {
    const uint8_t *data;
    size_t size;
    size_t offset;   /* next unread byte */
};

static inline struct fuzz_input fuzz_input_make(const uint8_t *data, size_t size)
{
    return (struct fuzz_input){ .data = data, .size = size, .offset = 0 };
}

/* Bytes not read yet. */
static inline size_t fuzz_input_remaining(const struct fuzz_input *input)
{
    return input->size - input->offset;
}

static inline uint8_t fuzz_input_u8(struct fuzz_input *input)
{
    return input->offset < input->size ? input->data[input->offset++] : 0;
}

static inline uint16_t fuzz_input_u16(struct fuzz_input *input)
{
    uint16_t low = fuzz_input_u8(input);
    return (uint16_t)(low | (uint16_t)fuzz_input_u8(input) << 8);
}

static inline uint32_t fuzz_input_u32(struct fuzz_input *input)
{
    uint32_t low = fuzz_input_u16(input);
    return low | (uint32_t)fuzz_input_u16(input) << 16;
}

static inline uint64_t fuzz_input_u64(struct fuzz_input *input)
{
    uint64_t low = fuzz_input_u32(input);
    return low | (uint64_t)fuzz_input_u32(input) << 32;
}

/*
 * Up to length bytes of the input, in place (not copied): *taken gets how
 * many there were. Returns a pointer into the input (valid while it is).
 */
static inline const uint8_t *fuzz_input_bytes(struct fuzz_input *input, size_t length, size_t *taken)
{
    size_t available = fuzz_input_remaining(input);
    *taken = length < available ? length : available;
    const uint8_t *start = input->data + input->offset;
    input->offset += *taken;
    return start;
}

#endif
