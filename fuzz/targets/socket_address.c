/*
 * socket_address.c — fuzz target for rk/socket_address.h: fuzzed user
 * sockaddrs are decoded for a fuzzed socket family and use, checked
 * against the format's rules, encoded back and decoded again (the round
 * trip must be a fixed point), then the same bytes go through user memory
 * (copy-in next to unmapped memory, copy-out with a fuzzed user length
 * into writable, unmapped or read-only memory) and the results must match
 * what Linux's move_addr_to_kernel / move_addr_to_user give.
 *
 * Input: socket family selector (u8), use (u8), the user length (i16),
 * where the bytes sit in user memory (u16), the copy-out length (i32) and
 * destination selector (u8), then the sockaddr bytes (at most 128).
 * The kernel is booted once (the module keeps no state; user memory is
 * rewritten by every input).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/socket_address.h>

#include "fuzz_kernel.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The last byte of user memory that can be written (the page after it is unmapped). */
#define USER_END FUZZ_USER_UNMAPPED

/* Check what a successful decode produced against the buffer it came from. */
static void check_decoded(int socket_family, enum socket_address_use use,
                          const struct socket_address_buffer *buffer,
                          const struct socket_address *address)
{
    const unsigned char *bytes = buffer->bytes;
    size_t length = buffer->length;
    switch (address->family) {
    case AF_UNSPEC:
        /* No address: only connect's dissolve and sendto without a destination. */
        if (use == SOCKET_ADDRESS_BIND)
            fuzz_finding("bind decoded to no address (length %zu)", length);
        if (use == SOCKET_ADDRESS_CONNECT_STREAM && socket_family == AF_UNIX)
            fuzz_finding("stream connect on AF_UNIX decoded to a dissolve");
        if (length >= 2 && (bytes[0] | bytes[1] << 8) != AF_UNSPEC && length != 0)
            fuzz_finding("no address decoded from family %u", (unsigned)(bytes[0] | bytes[1] << 8));
        break;
    case AF_UNIX: {
        if (socket_family != AF_UNIX)
            fuzz_finding("an AF_UNIX address for socket family %d", socket_family);
        size_t name_length = address->local.length;
        const char *name = address->local.name;
        if (name_length > SOCKET_ADDRESS_UNIX_PATH_MAX || length > SOCKET_ADDRESS_UNIX_SIZE)
            fuzz_finding("AF_UNIX name of %zu bytes from a length of %zu", name_length, length);
        switch (address->local.kind) {
        case SOCKET_ADDRESS_LOCAL_UNNAMED:
            if (use != SOCKET_ADDRESS_BIND || length != 2 || name_length != 0)
                fuzz_finding("autobind from use %d length %zu", (int)use, length);
            break;
        case SOCKET_ADDRESS_LOCAL_PATHNAME:
            if (name_length == 0 || memchr(name, 0, name_length) || name[name_length] != '\0')
                fuzz_finding("pathname of %zu bytes is not a NUL-terminated string", name_length);
            if (name_length > length - 2 || memcmp(name, bytes + 2, name_length) != 0 ||
                (name_length < length - 2 && bytes[2 + name_length] != 0))
                fuzz_finding("pathname does not end at the first NUL or the length");
            break;
        case SOCKET_ADDRESS_LOCAL_ABSTRACT:
            if (name_length != length - 2 || name[0] != '\0' ||
                memcmp(name, bytes + 2, name_length) != 0)
                fuzz_finding("abstract name of %zu bytes from a length of %zu", name_length, length);
            break;
        default:
            fuzz_finding("unknown AF_UNIX kind %d", (int)address->local.kind);
        }
        break;
    }
    case AF_INET:
        if (length < SOCKET_ADDRESS_INET_SIZE)
            fuzz_finding("AF_INET address from %zu bytes", length);
        if (socket_family == AF_UNIX || address->inet.port != (bytes[2] << 8 | bytes[3]) ||
            memcmp(address->inet.address, bytes + 4, 4) != 0)
            fuzz_finding("AF_INET fields differ from the bytes");
        break;
    case AF_INET6:
        if (socket_family != AF_INET6 || length < SOCKET_ADDRESS_INET6_RFC2133_SIZE)
            fuzz_finding("AF_INET6 address for socket family %d from %zu bytes", socket_family, length);
        if (address->inet6.port != (bytes[2] << 8 | bytes[3]) ||
            memcmp(address->inet6.address, bytes + 8, 16) != 0)
            fuzz_finding("AF_INET6 fields differ from the bytes");
        if (length < SOCKET_ADDRESS_INET6_SIZE && address->inet6.scope_id != 0)
            fuzz_finding("a scope id from a %zu-byte sockaddr_in6", length);
        break;
    default:
        fuzz_finding("decoded family %u", (unsigned)address->family);
    }
}

/* Encode address, check the encoding and decode it again: the same address must come back. */
static void check_round_trip(const struct socket_address_buffer *buffer,
                             const struct socket_address *address)
{
    struct socket_address_buffer encoded;
    size_t length = socket_address_encode(address, &encoded);
    if (length != encoded.length || length > SOCKET_ADDRESS_STORAGE_SIZE)
        fuzz_finding("encoded length %zu (buffer says %zu)", length, encoded.length);
    if (address->family == AF_UNSPEC) {
        if (length != 0)
            fuzz_finding("no address encoded to %zu bytes", length);
        return;
    }
    if ((encoded.bytes[0] | encoded.bytes[1] << 8) != address->family)
        fuzz_finding("encoded family %u for %u", (unsigned)(encoded.bytes[0] | encoded.bytes[1] << 8),
                     (unsigned)address->family);
    size_t expected = 0;
    switch (address->family) {
    case AF_UNIX:
        expected = address->local.kind == SOCKET_ADDRESS_LOCAL_UNNAMED ? 2
                   : address->local.kind == SOCKET_ADDRESS_LOCAL_ABSTRACT ? 2 + address->local.length
                                                                         : 3 + address->local.length;
        break;
    case AF_INET:
        expected = SOCKET_ADDRESS_INET_SIZE;
        if (memcmp(encoded.bytes + 2, buffer->bytes + 2, 6) != 0 ||
            memcmp(encoded.bytes + 8, "\0\0\0\0\0\0\0\0", 8) != 0)
            fuzz_finding("AF_INET encoding differs from the decoded bytes");
        break;
    case AF_INET6:
        expected = SOCKET_ADDRESS_INET6_SIZE;
        if (memcmp(encoded.bytes + 2, buffer->bytes + 2, 22) != 0)
            fuzz_finding("AF_INET6 encoding differs from the decoded bytes");
        break;
    }
    if (length != expected)
        fuzz_finding("encoded length %zu, Linux gives %zu", length, expected);
    /* What getsockname gives back binds to the same address (a 111-byte name passed back as 110). */
    struct socket_address_buffer again_buffer = encoded;
    if (again_buffer.length > SOCKET_ADDRESS_UNIX_SIZE && address->family == AF_UNIX)
        again_buffer.length = SOCKET_ADDRESS_UNIX_SIZE;
    struct socket_address again;
    int error = socket_address_decode(address->family, SOCKET_ADDRESS_BIND, &again_buffer, &again);
    if (error != 0 || !socket_address_equal(address, &again))
        fuzz_finding("the encoded address decodes to something else (%d)", error);
}

/* True when [address, address + length) lies in the writable user memory. */
static bool writable(uintptr_t address, size_t length)
{
    return address >= FUZZ_USER_BASE && address <= USER_END && length <= USER_END - address;
}

/* True when [address, address + length) can be read (the writable range or the read-only page). */
static bool readable(uintptr_t address, size_t length)
{
    if (writable(address, length))
        return true;
    return address >= FUZZ_USER_READONLY && address <= FUZZ_USER_READONLY + 4096 &&
           length <= FUZZ_USER_READONLY + 4096 - address;
}

/*
 * The same bytes through user memory: copied in at user_address, they must
 * decode as the buffer did, or fail the way Linux's copy-in does.
 */
static void check_from_user(int socket_family, enum socket_address_use use, long user_length,
                            uintptr_t user_address, const struct socket_address_buffer *buffer,
                            int pure_result, const struct socket_address *pure)
{
    struct socket_address address;
    int result = socket_address_from_user(socket_family, use, user_address, user_length, &address);
    int expected;
    if (use == SOCKET_ADDRESS_SEND_DATAGRAM && user_address == 0)
        expected = 0;
    else if (user_length < 0 || user_length > (long)SOCKET_ADDRESS_STORAGE_SIZE)
        expected = -EINVAL;
    else if (user_length > 0 && !readable(user_address, (size_t)user_length))
        expected = -EFAULT;
    else
        expected = pure_result;
    if (result != expected)
        fuzz_finding("from_user gave %d, expected %d (length %ld at %#lx)", result, expected,
                     user_length, (unsigned long)user_address);
    if (result == 0 && expected == pure_result && user_address != 0 &&
        !socket_address_equal(&address, pure))
        fuzz_finding("from_user decoded another address than the buffer");
    (void)buffer;
}

/*
 * Copy-out of address with user length user_length into destination: the
 * result, the bytes written and the stored length follow move_addr_to_user.
 */
static void check_copy_out(const struct socket_address *address, int user_length,
                           uintptr_t destination)
{
    struct socket_address_buffer encoded;
    socket_address_encode(address, &encoded);
    uintptr_t length_address = FUZZ_USER_BASE;                 /* the socklen_t */
    if (!fuzz_user_write(length_address, &user_length, sizeof user_length))
        fuzz_finding("cannot write the length");
    int full = (int)encoded.length;
    int copied = user_length < full ? user_length : full;
    size_t sentinel_length = (size_t)full + 8;
    static unsigned char sentinel[SOCKET_ADDRESS_STORAGE_SIZE + 8];
    memset(sentinel, 0xa5, sizeof sentinel);
    bool destination_writable = writable(destination, sentinel_length);
    if (destination_writable && !fuzz_user_write(destination, sentinel, sentinel_length))
        fuzz_finding("cannot write the sentinel");

    int result = socket_address_copy_out(&encoded, destination, length_address);
    int expected = copied < 0 ? -EINVAL
                   : copied > 0 && !writable(destination, (size_t)copied) ? -EFAULT : 0;
    if (result != expected)
        fuzz_finding("copy_out gave %d, expected %d (user length %d, full %d, at %#lx)", result,
                     expected, user_length, full, (unsigned long)destination);
    int stored;
    if (!fuzz_user_read(&stored, length_address, sizeof stored))
        fuzz_finding("cannot read the length");
    if (stored != (result == 0 ? full : user_length))
        fuzz_finding("stored length %d after %d (full %d, asked %d)", stored, result, full, user_length);
    if (result == 0 && destination_writable) {
        static unsigned char after[SOCKET_ADDRESS_STORAGE_SIZE + 8];
        if (!fuzz_user_read(after, destination, sentinel_length))
            fuzz_finding("cannot read the copy back");
        if (memcmp(after, encoded.bytes, (size_t)copied) != 0)
            fuzz_finding("copied bytes differ from the encoding");
        if (memcmp(after + copied, sentinel, sentinel_length - (size_t)copied) != 0)
            fuzz_finding("copy_out wrote past the %d bytes it was allowed", copied);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool booted;
    if (!booted) {
        fuzz_kernel_boot(NULL, 1);
        fuzz_init_create();
        booted = true;
    }
    static const int socket_families[] = { AF_UNIX, AF_INET, AF_INET6, 17 /* AF_PACKET: unknown */ };
    struct fuzz_input input = fuzz_input_make(data, size);
    int socket_family = socket_families[fuzz_input_u8(&input) % 4];
    enum socket_address_use use = (enum socket_address_use)(fuzz_input_u8(&input) % 4);
    long user_length = (int16_t)fuzz_input_u16(&input);
    uint16_t placement = fuzz_input_u16(&input);
    int copy_out_length = (int32_t)fuzz_input_u32(&input);
    uint8_t destination_choice = fuzz_input_u8(&input);
    size_t taken;
    const uint8_t *bytes = fuzz_input_bytes(&input, SOCKET_ADDRESS_STORAGE_SIZE, &taken);

    /* The pure decode of the bytes, with the user's length where it is valid. */
    struct socket_address_buffer buffer;
    memset(&buffer, 0, sizeof buffer);
    memcpy(buffer.bytes, bytes, taken);
    buffer.length = user_length >= 0 && user_length <= (long)SOCKET_ADDRESS_STORAGE_SIZE
                        ? (size_t)user_length
                        : taken;
    struct socket_address address;
    int result = socket_address_decode(socket_family, use, &buffer, &address);
    if (result != 0 && result != -EINVAL && result != -EAFNOSUPPORT)
        fuzz_finding("decode gave %d", result);
    if (result == -EAFNOSUPPORT && socket_family == AF_UNIX)
        fuzz_finding("EAFNOSUPPORT for an AF_UNIX socket (Linux gives EINVAL)");
    if (result != 0 && address.family != AF_UNSPEC)
        fuzz_finding("a failed decode left family %u", (unsigned)address.family);
    if (result == 0) {
        check_decoded(socket_family, use, &buffer, &address);
        check_round_trip(&buffer, &address);
    }

    /* The same through user memory: placed so that it may run into the unmapped page. */
    uintptr_t user_address = USER_END - SOCKET_ADDRESS_STORAGE_SIZE * 2 + placement % 512;
    if (placement == 0)
        user_address = 0;
    size_t fits = user_address && user_address < USER_END ? (size_t)(USER_END - user_address) : 0;
    if (fits > 0 && !fuzz_user_write(user_address, buffer.bytes,
                                         fits < SOCKET_ADDRESS_STORAGE_SIZE ? fits
                                                                            : SOCKET_ADDRESS_STORAGE_SIZE))
        fuzz_finding("cannot place the address in user memory");
    check_from_user(socket_family, use, user_length, user_address, &buffer, result, &address);

    /* Copy-out of what was decoded (or of nothing) into one of four kinds of destination. */
    static const uintptr_t destinations[] = {
        FUZZ_USER_BASE + 64,                        /* writable */
        USER_END - 40,                              /* runs into the unmapped page */
        FUZZ_USER_READONLY + 16,                    /* read-only */
        0,                                          /* NULL */
    };
    check_copy_out(&address, copy_out_length, destinations[destination_choice % 4]);
    return 0;
}
