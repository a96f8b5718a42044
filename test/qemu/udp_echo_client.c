/*
 * udp_echo_client.c — run in the guest by run_network.py's udp-host case
 * (static, musl): sends datagrams of several sizes (up to 8000 bytes, so
 * IP fragmentation and reassembly through QEMU's user network are covered)
 * to ADDRESS:PORT, where the host echoes each one back, and checks every
 * echo byte for byte. Prints one line per datagram and exits 0 when all
 * came back intact, 1 otherwise.
 *
 *   udp_echo_client ADDRESS PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: udp_echo_client ADDRESS PORT\n");
        return 2;
    }
    struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &peer.sin_addr);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval timeout = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (fd < 0 || connect(fd, (struct sockaddr *)&peer, sizeof peer) < 0) {
        printf("socket/connect: %s\n", strerror(errno));
        return 1;
    }
    static const size_t sizes[] = {1, 100, 1000, 1472, 1473, 3000, 8000};
    static unsigned char out[8000], in[9000];
    int failures = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizes[i]; j++)
            out[j] = (unsigned char)(j * 13 + i);
        ssize_t sent = send(fd, out, sizes[i], 0);
        ssize_t got = recv(fd, in, sizeof in, 0);
        int intact = sent == (ssize_t)sizes[i] && got == sent && memcmp(in, out, sizes[i]) == 0;
        printf("udp %zu bytes: sent %zd, echoed %zd, %s\n", sizes[i], sent, got,
               intact ? "intact" : got < 0 ? strerror(errno) : "DIFFERENT");
        failures += !intact;
    }
    close(fd);
    return failures ? 1 : 0;
}
