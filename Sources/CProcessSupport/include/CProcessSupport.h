#ifndef TOOLHOST_CPROCESS_SUPPORT_H
#define TOOLHOST_CPROCESS_SUPPORT_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` as the leader of a new process group.
///
/// The child gets `stdin_fd`, `stdout_fd` and `stderr_fd` as its descriptors 0, 1 and 2, every
/// other descriptor closed, the default disposition for every signal, an empty signal mask and
/// `cwd` as its working directory (when not NULL). Returns 0 and stores the pid, or an errno.
int toolhost_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                   int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid_out);

/// Marks the calling process as a child subreaper so that orphaned descendants (a plugin's own
/// children) are re-parented to it and can be reaped. Returns 0 or an errno.
int toolhost_become_subreaper(void);

/// Returns a pidfd for `pid` that polls readable once the process exits, or -1 with errno set
/// (ENOSYS on kernels before 5.3).
int toolhost_pidfd_open(pid_t pid);

/// Sets the address-space limit of a running process (`memory_limit_mb`). Returns 0 or an errno.
int toolhost_limit_address_space(pid_t pid, unsigned long long bytes);

/// Creates a pipe whose two ends are close-on-exec. Returns 0 or an errno.
int toolhost_cloexec_pipe(int fds[2]);

/// Sets O_NONBLOCK on `fd`. Returns 0 or an errno.
int toolhost_set_nonblocking(int fd);

/// Forks a watchdog that outlives the host: once armed with a process group, if the host dies
/// (SIGKILL from a caller's own timeout) before releasing it, the watchdog stops that group
/// (SIGTERM, SIGKILL after `grace_ms`). It sits in a session of its own with nothing of the
/// host's open. Returns 0 and the descriptor to arm and release it with and its pid, or an errno.
int toolhost_start_watchdog(unsigned int grace_ms, int *release_fd_out, pid_t *watchdog_out);

/// Tells the watchdog which process group to stop should the host die. Returns 0 or an errno.
int toolhost_arm_watchdog(int release_fd, pid_t group);

/// Tells the watchdog it is not needed (the plugin was seen to its end, or never started), and
/// reaps it.
void toolhost_release_watchdog(int release_fd, pid_t watchdog);

/// Forks the one watchdog of a long-lived host (`toolhost serve`): it is told each plugin's
/// process group as it starts and ends (`toolhost_shared_watchdog_tell`), and when the host dies
/// it stops every group still running (SIGTERM, SIGKILL after `grace_ms`). Forked once, while
/// the host is small: forking a grown server for each plugin cost milliseconds per call.
/// Returns 0 and the descriptor to tell it through and its pid, or an errno.
int toolhost_start_shared_watchdog(unsigned int grace_ms, int *message_fd_out, pid_t *watchdog_out);

/// Tells the shared watchdog a group to watch (`message` = the group) or to forget (`message` =
/// minus the group). Returns 0 or an errno.
int toolhost_shared_watchdog_tell(int message_fd, pid_t message);

/// Gives the memory malloc holds free back to the system (glibc's malloc_trim): a long-lived
/// server calls it after a burst (thousands of connections) has ended, which would otherwise
/// stay in its resident size. Returns 1 when memory was released, 0 when none could be.
int toolhost_return_free_memory(void);

#endif
