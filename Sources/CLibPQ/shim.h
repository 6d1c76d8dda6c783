#ifndef TOOLHOST_CLIBPQ_SHIM_H
#define TOOLHOST_CLIBPQ_SHIM_H
// libpq's declarations only: the library itself is loaded on first use by CLibPQLoader, so a
// host on the embedded SQLite never pays for libpq's dependencies (OpenSSL, Kerberos, LDAP...)
// at start-up. Debian installs the header under /usr/include/postgresql (libpq-dev).
#include <postgresql/libpq-fe.h>
#endif
