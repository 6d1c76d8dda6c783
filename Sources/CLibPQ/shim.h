#ifndef TOOLHOST_CLIBPQ_SHIM_H
#define TOOLHOST_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
