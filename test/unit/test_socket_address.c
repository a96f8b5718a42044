/*
 * test_socket_address.c — decoding user socket addresses and encoding them
 * back (rk/socket_address.h): Linux's length and family rules per socket
 * family and use (every expected errno was checked with bind, connect and
 * sendto on the host's Linux), AF_UNIX name forms, copy-in and copy-out
 * through a process's user memory, and the decode/encode round trip.
 */
#include "mm_fixture.h"

#include <rk/socket_address.h>

static uintptr_t user_base;   /* one read-write page of the test process */

/* Boot, a process, and one mapped user page. */
static int setup(void **state)
{
    boot_with_process(state);
    user_base = platform_user_address_lowest() + 16 * PAGE_SIZE;
    assert_int_equal(mm_map(test_mm, user_base, PAGE_SIZE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
                     (long)user_base);
    return 0;
}

/* An address nothing maps. */
static uintptr_t unmapped(void) { return user_base + 64 * PAGE_SIZE; }

/* A raw address of length bytes: family, then the bytes of rest (rest_length of them). */
static struct socket_address_buffer raw(uint16_t family, const void *rest, size_t rest_length,
                                        size_t length)
{
    struct socket_address_buffer buffer;
    memset(&buffer, 0, sizeof buffer);
    buffer.bytes[0] = (unsigned char)family;
    buffer.bytes[1] = (unsigned char)(family >> 8);
    if (rest_length > 0)
        memcpy(buffer.bytes + 2, rest, rest_length);
    buffer.length = length;
    return buffer;
}

/* decode() of raw(...) in one call. */
static int decode(int socket_family, enum socket_address_use use, uint16_t family,
                  const void *rest, size_t rest_length, size_t length, struct socket_address *out)
{
    struct socket_address_buffer buffer = raw(family, rest, rest_length, length);
    return socket_address_decode(socket_family, use, &buffer, out);
}

/* ------------------------------------------------------------ copy in */

static void copy_in_checks_the_length_before_the_pointer(void **state)
{
    struct socket_address_buffer buffer;
    assert_int_equal(socket_address_copy_in(unmapped(), -1, &buffer), -EINVAL);
    assert_int_equal(socket_address_copy_in(unmapped(), 129, &buffer), -EINVAL);
    assert_int_equal(socket_address_copy_in(unmapped(), 128, &buffer), -EFAULT);
    assert_int_equal(socket_address_copy_in(unmapped(), 0, &buffer), 0);
    assert_int_equal(buffer.length, 0);
    assert_int_equal(socket_address_copy_in(0, 0, &buffer), 0);
    /* A buffer that runs off the end of the mapped page faults. */
    assert_int_equal(socket_address_copy_in(user_base + PAGE_SIZE - 10, 16, &buffer), -EFAULT);
    assert_int_equal(copy_to_user(user_base, "\001\000/x", 4), 0);
    assert_int_equal(socket_address_copy_in(user_base, 128, &buffer), 0);
    assert_int_equal(buffer.length, 128);
    assert_memory_equal(buffer.bytes, "\001\000/x", 4);
}

/* ------------------------------------------------------------ AF_UNIX */

static void unix_names_take_linux_forms(void **state)
{
    struct socket_address address;
    /* A path with its NUL: the name stops there. */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, "/run/s\0junk", 11, 13,
                            &address), 0);
    assert_int_equal(address.family, AF_UNIX);
    assert_int_equal(address.local.kind, SOCKET_ADDRESS_LOCAL_PATHNAME);
    assert_int_equal(address.local.length, 6);
    assert_string_equal(address.local.name, "/run/s");
    /* Without a NUL the length ends it. */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, "/run/socket", 11, 6,
                            &address), 0);
    assert_string_equal(address.local.name, "/run");
    /* A full 108-byte sun_path needs no NUL. */
    char path[108];
    memset(path, 'p', sizeof path);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_CONNECT_STREAM, AF_UNIX, path, 108, 110,
                            &address), 0);
    assert_int_equal(address.local.length, 108);
    assert_int_equal(address.local.name[108], '\0');
    /* Abstract: every byte counts, NULs included. */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, "\0ab\0c", 5, 7, &address), 0);
    assert_int_equal(address.local.kind, SOCKET_ADDRESS_LOCAL_ABSTRACT);
    assert_int_equal(address.local.length, 5);
    assert_memory_equal(address.local.name, "\0ab\0c", 5);
    /* A single NUL byte is an abstract name of length 1. */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, "", 1, 3, &address), 0);
    assert_int_equal(address.local.kind, SOCKET_ADDRESS_LOCAL_ABSTRACT);
    assert_int_equal(address.local.length, 1);
}

static void unix_lengths_and_families_follow_linux(void **state)
{
    struct socket_address address;
    /* bind with just the family: autobind. */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, NULL, 0, 2, &address), 0);
    assert_int_equal(address.family, AF_UNIX);
    assert_int_equal(address.local.kind, SOCKET_ADDRESS_LOCAL_UNNAMED);
    /* ... but only for AF_UNIX, and not for connect. */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_INET, NULL, 0, 2, &address), -EINVAL);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_CONNECT_STREAM, AF_UNIX, NULL, 0, 2, &address),
                     -EINVAL);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_CONNECT_DATAGRAM, AF_UNIX, NULL, 0, 2, &address),
                     -EINVAL);
    /* Too short, too long, another family: EINVAL (never EAFNOSUPPORT for AF_UNIX). */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, NULL, 0, 1, &address), -EINVAL);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, "/x", 2, 111, &address), -EINVAL);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_INET, "/x", 2, 16, &address), -EINVAL);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_CONNECT_STREAM, AF_INET6, "/x", 2, 28, &address),
                     -EINVAL);
    /* connect on a datagram socket: AF_UNSPEC dissolves, a lone byte is EINVAL. */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_CONNECT_DATAGRAM, AF_UNSPEC, "/x", 2, 4,
                            &address), 0);
    assert_int_equal(address.family, AF_UNSPEC);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_CONNECT_DATAGRAM, AF_UNSPEC, NULL, 0, 1,
                            &address), -EINVAL);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_CONNECT_STREAM, AF_UNSPEC, "/x", 2, 4,
                            &address), -EINVAL);
    /* sendto: length 0 is no destination; 1 or 2 bytes are EINVAL. */
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_SEND_DATAGRAM, AF_UNIX, NULL, 0, 0, &address), 0);
    assert_int_equal(address.family, AF_UNSPEC);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_SEND_DATAGRAM, AF_UNIX, NULL, 0, 2, &address),
                     -EINVAL);
}

/* ------------------------------------------------------------ AF_INET */

static void inet_rules_follow_linux(void **state)
{
    struct socket_address address;
    static const unsigned char loopback[14] = { 0x1f, 0x90, 127, 0, 0, 1 };   /* port 8080 */
    static const unsigned char any[14] = { 0x00, 0x50 };                      /* port 80, 0.0.0.0 */
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_BIND, AF_INET, loopback, 14, 16, &address), 0);
    assert_int_equal(address.family, AF_INET);
    assert_int_equal(address.inet.port, 8080);
    assert_memory_equal(address.inet.address, "\177\000\000\001", 4);
    /* Longer is fine (up to sockaddr_storage); shorter is EINVAL before the family is looked at. */
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_BIND, AF_INET, loopback, 14, 128, &address), 0);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_BIND, AF_INET, loopback, 14, 15, &address), -EINVAL);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_BIND, AF_INET6, loopback, 14, 15, &address), -EINVAL);
    /* Another family: EAFNOSUPPORT; AF_UNSPEC only with INADDR_ANY for bind. */
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_BIND, AF_INET6, loopback, 14, 16, &address),
                     -EAFNOSUPPORT);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_BIND, AF_UNSPEC, loopback, 14, 16, &address),
                     -EAFNOSUPPORT);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_BIND, AF_UNSPEC, any, 14, 16, &address), 0);
    assert_int_equal(address.family, AF_INET);
    assert_int_equal(address.inet.port, 80);
    /* connect: AF_UNSPEC dissolves from 2 bytes on; below 2 is EINVAL. */
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_CONNECT_STREAM, AF_UNSPEC, NULL, 0, 2, &address), 0);
    assert_int_equal(address.family, AF_UNSPEC);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_CONNECT_DATAGRAM, AF_UNSPEC, NULL, 0, 1, &address),
                     -EINVAL);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_CONNECT_STREAM, AF_INET, loopback, 14, 15, &address),
                     -EINVAL);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_CONNECT_STREAM, AF_UNIX, loopback, 14, 16, &address),
                     -EAFNOSUPPORT);
    /* sendto: AF_UNSPEC is AF_INET; length 0 (a pointer was given) is EINVAL. */
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_SEND_DATAGRAM, AF_UNSPEC, loopback, 14, 16, &address), 0);
    assert_int_equal(address.family, AF_INET);
    assert_int_equal(address.inet.port, 8080);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_SEND_DATAGRAM, AF_INET, NULL, 0, 0, &address), -EINVAL);
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_SEND_DATAGRAM, 99, loopback, 14, 16, &address),
                     -EAFNOSUPPORT);
}

/* ------------------------------------------------------------ AF_INET6 */

static void inet6_rules_follow_linux(void **state)
{
    struct socket_address address;
    unsigned char body[26] = { 0x00, 0x16, 0x00, 0x0a, 0xbc, 0xde };   /* port 22, flow 0x000abcde */
    body[6] = 0xfe;
    body[7] = 0x80;
    body[21] = 1;                                                      /* fe80::1 */
    body[22] = 3;                                                      /* scope id 3 */
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_BIND, AF_INET6, body, 26, 28, &address), 0);
    assert_int_equal(address.family, AF_INET6);
    assert_int_equal(address.inet6.port, 22);
    assert_int_equal(address.inet6.flow_information, 0x000abcde);
    assert_int_equal(address.inet6.address[0], 0xfe);
    assert_int_equal(address.inet6.address[15], 1);
    assert_int_equal(address.inet6.scope_id, 3);
    /* RFC 2133's 24 bytes: no scope id. 23: EINVAL. */
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_BIND, AF_INET6, body, 26, 24, &address), 0);
    assert_int_equal(address.inet6.scope_id, 0);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_BIND, AF_INET6, body, 26, 23, &address), -EINVAL);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_BIND, AF_INET, body, 26, 23, &address), -EINVAL);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_BIND, AF_INET, body, 26, 24, &address),
                     -EAFNOSUPPORT);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_BIND, AF_UNSPEC, body, 26, 28, &address),
                     -EAFNOSUPPORT);
    /* connect: a datagram socket takes an IPv4 address; a stream socket does not. */
    static const unsigned char loopback[14] = { 0x1f, 0x90, 127, 0, 0, 1 };
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_CONNECT_DATAGRAM, AF_INET, loopback, 14, 16,
                            &address), 0);
    assert_int_equal(address.family, AF_INET);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_CONNECT_DATAGRAM, AF_INET, loopback, 14, 15,
                            &address), -EINVAL);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_CONNECT_STREAM, AF_INET, loopback, 14, 16,
                            &address), -EINVAL);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_CONNECT_STREAM, AF_INET, loopback, 14, 24,
                            &address), -EAFNOSUPPORT);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_CONNECT_STREAM, AF_UNSPEC, NULL, 0, 2, &address), 0);
    assert_int_equal(address.family, AF_UNSPEC);
    /* sendto: AF_UNSPEC is no destination, an unknown family EINVAL (not EAFNOSUPPORT). */
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_SEND_DATAGRAM, AF_UNSPEC, NULL, 0, 2, &address), 0);
    assert_int_equal(address.family, AF_UNSPEC);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_SEND_DATAGRAM, AF_UNIX, body, 26, 28, &address),
                     -EINVAL);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_SEND_DATAGRAM, AF_INET6, body, 26, 1, &address),
                     -EINVAL);
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_SEND_DATAGRAM, AF_INET, loopback, 14, 16,
                            &address), 0);
    assert_int_equal(address.family, AF_INET);
    /* A socket family this module does not know. */
    assert_int_equal(decode(17, SOCKET_ADDRESS_BIND, 17, body, 26, 28, &address), -EAFNOSUPPORT);
}

static void from_user_treats_a_null_destination_as_none(void **state)
{
    struct socket_address address;
    assert_int_equal(socket_address_from_user(AF_INET, SOCKET_ADDRESS_SEND_DATAGRAM, 0, 16, &address), 0);
    assert_int_equal(address.family, AF_UNSPEC);
    assert_int_equal(socket_address_from_user(AF_INET, SOCKET_ADDRESS_BIND, 0, 16, &address), -EFAULT);
    assert_int_equal(socket_address_from_user(AF_INET, SOCKET_ADDRESS_BIND, unmapped(), 200, &address),
                     -EINVAL);
    assert_int_equal(copy_to_user(user_base, "\002\000\000\007\012\000\000\001", 8), 0);
    assert_int_equal(socket_address_from_user(AF_INET, SOCKET_ADDRESS_CONNECT_STREAM, user_base, 16,
                                              &address), 0);
    assert_int_equal(address.inet.port, 7);
    assert_memory_equal(address.inet.address, "\012\000\000\001", 4);
}

/* ------------------------------------------------------------ encoding */

static void encoding_gives_linux_lengths(void **state)
{
    struct socket_address address;
    struct socket_address_buffer buffer;
    char path[108];
    memset(path, 'q', sizeof path);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, path, 108, 110, &address), 0);
    assert_int_equal(socket_address_encode(&address, &buffer), 111);   /* 2 + 108 + the NUL */
    assert_int_equal(buffer.bytes[110], 0);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, "\0xy", 3, 5, &address), 0);
    assert_int_equal(socket_address_encode(&address, &buffer), 5);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, NULL, 0, 2, &address), 0);
    assert_int_equal(socket_address_encode(&address, &buffer), 2);
    assert_int_equal(buffer.bytes[0], AF_UNIX);
    static const unsigned char loopback[126] = { 0x1f, 0x90, 127, 0, 0, 1, 9, 9, 9 };
    assert_int_equal(decode(AF_INET, SOCKET_ADDRESS_BIND, AF_INET, loopback, 126, 128, &address), 0);
    assert_int_equal(socket_address_encode(&address, &buffer), 16);
    assert_memory_equal(buffer.bytes, "\002\000\037\220\177\000\000\001\0\0\0\0\0\0\0\0", 16);
    unsigned char body[26] = { 0x12, 0x34, 0x00, 0x00, 0x00, 0x05 };
    body[22] = 9;
    assert_int_equal(decode(AF_INET6, SOCKET_ADDRESS_BIND, AF_INET6, body, 26, 28, &address), 0);
    assert_int_equal(socket_address_encode(&address, &buffer), 28);
    assert_memory_equal(buffer.bytes + 2, body, 26);
    address.family = AF_UNSPEC;
    assert_int_equal(socket_address_encode(&address, &buffer), 0);
}

static void decode_then_encode_is_a_fixed_point(void **state)
{
    /* Seeded random addresses: whatever decodes must encode to bytes that decode the same. */
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    static const int socket_families[] = { AF_UNIX, AF_INET, AF_INET6 };
    static const uint16_t families[] = { AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6, 77 };
    unsigned accepted = 0;
    for (int round = 0; round < 20000; round++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        struct socket_address_buffer buffer;
        memset(&buffer, 0, sizeof buffer);
        buffer.length = seed % 131 > 128 ? 2 : seed % 131;
        uint64_t bytes = seed * 0x2545f4914f6cdd1dull;
        for (size_t i = 2; i < buffer.length; i++) {
            bytes = bytes * 6364136223846793005ull + 1442695040888963407ull;
            buffer.bytes[i] = (bytes >> 60) < 4 ? 0 : (unsigned char)(bytes >> 33);
        }
        uint16_t family = families[(seed >> 20) % 5];
        buffer.bytes[0] = (unsigned char)family;
        int socket_family = socket_families[(seed >> 24) % 3];
        enum socket_address_use use = (enum socket_address_use)((seed >> 28) % 4);
        struct socket_address address, again;
        if (socket_address_decode(socket_family, use, &buffer, &address) != 0)
            continue;
        accepted++;
        struct socket_address_buffer encoded;
        size_t length = socket_address_encode(&address, &encoded);
        assert_true(length <= SOCKET_ADDRESS_STORAGE_SIZE);
        if (address.family == AF_UNSPEC) {
            assert_int_equal(length, 0);
            continue;
        }
        assert_int_equal(encoded.bytes[0] | encoded.bytes[1] << 8, address.family);
        /* A 108-byte path encodes to 111 bytes; a program passes sizeof(struct sockaddr_un) back. */
        if (encoded.length > SOCKET_ADDRESS_UNIX_SIZE && address.family == AF_UNIX)
            encoded.length = SOCKET_ADDRESS_UNIX_SIZE;
        /* Bind decodes every form (autobind included) with the address's own family. */
        assert_int_equal(socket_address_decode(address.family, SOCKET_ADDRESS_BIND, &encoded, &again), 0);
        assert_true(socket_address_equal(&address, &again));
    }
    assert_true(accepted > 1000);
}

static void copy_out_truncates_and_stores_the_full_length(void **state)
{
    struct socket_address address;
    char path[108];
    memset(path, 'r', sizeof path);
    assert_int_equal(decode(AF_UNIX, SOCKET_ADDRESS_BIND, AF_UNIX, path, 108, 110, &address), 0);
    uintptr_t length_address = user_base + 1024;
    uintptr_t out = user_base + 2048;
    unsigned char bytes[200];
    int length = 5;
    memset(bytes, 0x55, sizeof bytes);
    assert_int_equal(copy_to_user(out, bytes, sizeof bytes), 0);
    assert_int_equal(copy_to_user(length_address, &length, sizeof length), 0);
    assert_int_equal(socket_address_to_user(&address, out, length_address), 0);
    assert_int_equal(copy_from_user(&length, length_address, sizeof length), 0);
    assert_int_equal(length, 111);                       /* the full length, not the 5 copied */
    assert_int_equal(copy_from_user(bytes, out, sizeof bytes), 0);
    assert_memory_equal(bytes, "\001\000rrr", 5);
    assert_int_equal(bytes[5], 0x55);
    /* Room for all of it: 111 bytes, the last one the NUL. */
    length = 200;
    assert_int_equal(copy_to_user(length_address, &length, sizeof length), 0);
    assert_int_equal(socket_address_to_user(&address, out, length_address), 0);
    assert_int_equal(copy_from_user(bytes, out, sizeof bytes), 0);
    assert_int_equal(bytes[110], 0);
    assert_int_equal(bytes[111], 0x55);
    assert_int_equal(copy_from_user(&length, length_address, sizeof length), 0);
    assert_int_equal(length, 111);
    /* 0: nothing copied, even to NULL; negative: EINVAL; bad pointers: EFAULT. */
    length = 0;
    assert_int_equal(copy_to_user(length_address, &length, sizeof length), 0);
    assert_int_equal(socket_address_to_user(&address, 0, length_address), 0);
    assert_int_equal(copy_from_user(&length, length_address, sizeof length), 0);
    assert_int_equal(length, 111);
    length = -1;
    assert_int_equal(copy_to_user(length_address, &length, sizeof length), 0);
    assert_int_equal(socket_address_to_user(&address, out, length_address), -EINVAL);
    assert_int_equal(socket_address_to_user(&address, out, unmapped()), -EFAULT);
    length = 10;
    assert_int_equal(copy_to_user(length_address, &length, sizeof length), 0);
    assert_int_equal(socket_address_to_user(&address, unmapped(), length_address), -EFAULT);
    /* Linux 6.1 stores the length only after the copy succeeded. */
    assert_int_equal(copy_from_user(&length, length_address, sizeof length), 0);
    assert_int_equal(length, 10);
    /* A length the process can read but not write: EFAULT when the full length is stored. */
    uintptr_t read_only = user_base + 8 * PAGE_SIZE;
    assert_int_equal(mm_map(test_mm, read_only, PAGE_SIZE, PROT_READ,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
                     (long)read_only);
    assert_int_equal(socket_address_to_user(&address, out, read_only), -EFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(copy_in_checks_the_length_before_the_pointer, setup, drop_process),
        cmocka_unit_test(unix_names_take_linux_forms),
        cmocka_unit_test(unix_lengths_and_families_follow_linux),
        cmocka_unit_test(inet_rules_follow_linux),
        cmocka_unit_test(inet6_rules_follow_linux),
        cmocka_unit_test_setup_teardown(from_user_treats_a_null_destination_as_none, setup, drop_process),
        cmocka_unit_test(encoding_gives_linux_lengths),
        cmocka_unit_test(decode_then_encode_is_a_fixed_point),
        cmocka_unit_test_setup_teardown(copy_out_truncates_and_stores_the_full_length, setup, drop_process),
    };
    return cmocka_run_group_tests_name("socket_address", tests, NULL, NULL);
}
