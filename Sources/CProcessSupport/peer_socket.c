// accept4 and SO_PEERCRED are GNU extensions Swift's Glibc module does not show.
#define _GNU_SOURCE
#include "CProcessSupport.h"

#include <stddef.h>
#include <sys/socket.h>

int toolhost_accept_cloexec(int listening_fd) {
    return accept4(listening_fd, NULL, NULL, SOCK_CLOEXEC);
}

int toolhost_peer_uid(int connected_fd, unsigned int *uid_out) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(connected_fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *uid_out = credentials.uid;
    return 0;
}
