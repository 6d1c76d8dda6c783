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

/// Where a watchdog finds the cgroups of its host's plugin runs: the folders (one per v1
/// controller, or the v2 one) under which each run's folder is named "toolhost-<owner>-<n>".
/// The strings are the caller's; the watchdog, forked while they are alive, keeps its copy.
struct toolhost_cgroup_sweep {
    const char *const *bases;
    unsigned int count;
    pid_t owner;
};

/// Empties (SIGKILL, frozen first where a freezer is) and removes every run folder of
/// `sweep->owner` under `sweep->bases`: what a process group cannot hold (a `setsid` or
/// double-forked child) is still in its cgroup. Async-signal-safe: for a watchdog.
void toolhost_sweep_cgroups(const struct toolhost_cgroup_sweep *sweep);

/// Forks a watchdog that outlives the host: once armed with a process group, if the host dies
/// (SIGKILL from a caller's own timeout) before releasing it, the watchdog stops that group
/// (SIGTERM, SIGKILL after `grace_ms`), then sweeps the host's plugin cgroups (`sweep`, may be
/// NULL: none). It sits in a session of its own with nothing of the host's open. Returns 0 and
/// the descriptor to arm and release it with and its pid, or an errno.
int toolhost_start_watchdog(unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep,
                            int *release_fd_out, pid_t *watchdog_out);

/// Tells the watchdog which process group to stop should the host die. Returns 0 or an errno.
int toolhost_arm_watchdog(int release_fd, pid_t group);

/// Tells the watchdog it is not needed (the plugin was seen to its end, or never started), and
/// reaps it.
void toolhost_release_watchdog(int release_fd, pid_t watchdog);

/// The steps of `toolhost_spawn_sandboxed`, to say which one failed.
enum {
    TOOLHOST_STEP_GROUP = 1,
    TOOLHOST_STEP_CGROUP,
    TOOLHOST_STEP_SIGNALS,
    TOOLHOST_STEP_DESCRIPTORS,
    TOOLHOST_STEP_DIRECTORY,
    TOOLHOST_STEP_MEMORY,
    TOOLHOST_STEP_NETWORK,
    TOOLHOST_STEP_NO_NEW_PRIVS,
    TOOLHOST_STEP_LANDLOCK,
    TOOLHOST_STEP_SECCOMP,
    TOOLHOST_STEP_EXEC,
};

/// What `toolhost_spawn_sandboxed` starts, and the confinement it applies before the exec.
typedef struct {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int stdin_fd, stdout_fd, stderr_fd;
    /// Open `cgroup.procs` files the child writes its pid into, so it is in its cgroups before
    /// it runs a single instruction of the plugin.
    const int *cgroup_procs_fds;
    int cgroup_procs_count;
    /// RLIMIT_AS in bytes (0: none).
    unsigned long long address_space_limit;
    int isolate_network;
    int no_new_privs;
    int seccomp;
    /// A Landlock ruleset to restrict the child to (`toolhost_landlock_writable_ruleset`), or -1.
    int landlock_ruleset_fd;
} toolhost_sandboxed_spawn;

/// Forks and, in the child: a new process group, the cgroups, default signals, descriptors 0-2,
/// the working directory, the memory limit, a new network namespace, no_new_privs, Landlock and
/// a seccomp filter denying ptrace, mount, namespaces, BPF, keyrings, modules and the like; then
/// execve. Returns 0 and the pid once the exec succeeded, or an errno and the failed step.
int toolhost_spawn_sandboxed(const toolhost_sandboxed_spawn *request, pid_t *pid_out, int *failed_step_out);

/// 1 when the kernel has seccomp filters, else 0.
int toolhost_seccomp_available(void);

/// The Landlock ABI version of the running kernel, 0 when it has none (or it is disabled).
int toolhost_landlock_abi(void);

/// A Landlock ruleset that lets writes (create, write, remove, rename) happen only beneath
/// `paths`; reading stays free. Returns 0 and the ruleset, or an errno and the index of the
/// path that failed (-1 when none did).
int toolhost_landlock_writable_ruleset(const char *const paths[], int count, int *ruleset_out, int *failed_path_out);

/// Forks the one watchdog of a long-lived host (`toolhost serve`): it is told each plugin's
/// process group as it starts and ends (`toolhost_shared_watchdog_tell`), and when the host dies
/// it stops every group still running (SIGTERM, SIGKILL after `grace_ms`), then sweeps the
/// host's plugin cgroups (`sweep`, may be NULL). Forked once, while the host is small: forking
/// a grown server for each plugin cost milliseconds per call.
/// Returns 0 and the descriptor to tell it through and its pid, or an errno.
int toolhost_start_shared_watchdog(unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep,
                                   int *message_fd_out, pid_t *watchdog_out);

/// Tells the shared watchdog a group to watch (`message` = the group) or to forget (`message` =
/// minus the group). Returns 0 or an errno.
int toolhost_shared_watchdog_tell(int message_fd, pid_t message);

/// Gives the memory malloc holds free back to the system (glibc's malloc_trim): a long-lived
/// server calls it after a burst (thousands of connections) has ended, which would otherwise
/// stay in its resident size. Returns 1 when memory was released, 0 when none could be.
int toolhost_return_free_memory(void);

/// Accepts a connection on a listening socket, close-on-exec from the start (a plugin spawned
/// meanwhile must not inherit it); -1 with errno as accept(2).
int toolhost_accept_cloexec(int listening_fd);

/// The user id of the process at the other end of a connected unix socket; -1 on failure.
int toolhost_peer_uid(int connected_fd, unsigned int *uid_out);

#endif
