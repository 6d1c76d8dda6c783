#ifndef TOOLHOST_CLIBPQ_LOADER_H
#define TOOLHOST_CLIBPQ_LOADER_H
#include <stddef.h>

/// Loads libpq (libpq.so.5) and resolves the functions ToolHost uses. Safe to call more than
/// once and from several threads. Returns 0, or -1 with a reason in `error`.
int toolhost_libpq_load(char *error, size_t error_size);

#endif
