#ifndef TOOLHOST_WATCHER_FORK_H
#define TOOLHOST_WATCHER_FORK_H

#include <sys/types.h>

struct toolhost_cgroup_sweep;

/// Forks a watchdog process that runs `watch(read_end, grace_ms, sweep)` (which never returns) with the
/// read end of a new close-on-exec pipe, as descriptor 3 of a process in a session of its own,
/// deaf to terminal signals and holding nothing else of the host's; the host keeps the write end. `_Fork` where glibc has
/// it: no atfork handlers (malloc's locks...), the child never allocates. Returns 0, the write
/// end and the watchdog's pid, or an errno. Shared by the per-call and the shared watchdog.
int toolhost_fork_watcher(unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep,
                          void (*watch)(int read_fd, unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep),
                          int *write_fd_out, pid_t *watchdog_out);

#endif
