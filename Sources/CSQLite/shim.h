#ifndef TOOLHOST_CSQLITE_SHIM_H
#define TOOLHOST_CSQLITE_SHIM_H
#include <sqlite3.h>
#include <stdint.h>
#include <unistd.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a destructor pointer, which Swift cannot import.
static inline sqlite3_destructor_type toolhost_sqlite_transient(void) { return SQLITE_TRANSIENT; }
/* The bound data outlives the statement's use of it (the caller clears the bindings first). */
static inline sqlite3_destructor_type toolhost_sqlite_static(void) { return SQLITE_STATIC; }

/// sqlite3_db_config is variadic, which Swift cannot call: the one option ToolHost sets.
static inline int toolhost_sqlite_skip_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}

/// A busy handler that retries after 0.1, 0.2, 0.4, 0.8, 1.6, then every 2 ms, for about
/// `timeout_ms` in all. sqlite3_busy_timeout sleeps 1 to 100 ms between retries: measured with
/// several threads of one server writing, most of the time went to those sleeps, though each
/// write holds the lock for well under a millisecond.
static inline int toolhost_sqlite_busy_retry(void *context, int attempts) {
    long timeout_ms = (long)(intptr_t)context;
    if ((long)attempts * 2 >= timeout_ms) return 0;
    usleep(attempts < 5 ? (100u << attempts) : 2000u);
    return 1;
}

static inline int toolhost_sqlite_set_busy_retry(sqlite3 *db, int timeout_ms) {
    return sqlite3_busy_handler(db, toolhost_sqlite_busy_retry, (void *)(intptr_t)timeout_ms);
}
#endif
