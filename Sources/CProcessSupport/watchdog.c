#define _GNU_SOURCE
#include "CProcessSupport.h"
#include "watcher_fork.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// The child below runs in a copy of a multi-threaded process: it may only make
// async-signal-safe calls (no malloc, no locks), which is all it needs.
static void watch(int release_fd, unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep) {
    // First the group to watch (the plugin is spawned after this fork, so that no moment
    // passes with a plugin and no watchdog), then the release.
    pid_t group = 0;
    size_t received = 0;
    while (received < sizeof group) {
        ssize_t count = read(release_fd, (char *)&group + received, sizeof group - received);
        if (count < 0 && errno == EINTR) continue;
        if (count == 0 && received == 0) {
            // End of file before any byte: the host died between spawning the plugin and
            // naming its group (a release always writes). The run's cgroup still holds it.
            toolhost_sweep_cgroups(sweep);
            _exit(0);
        }
        if (count <= 0) _exit(0);  // released before a plugin started: nothing to watch
        received += (size_t)count;
    }
    char byte;
    ssize_t count;
    do {
        count = read(release_fd, &byte, 1);
    } while (count < 0 && errno == EINTR);
    // Released (the host saw the plugin to its end), or a read that failed for another reason:
    // only end of file says the host is gone.
    if (count != 0 || group <= 0) _exit(0);

    // End of file without a release: the host is gone. Stop the plugin's group as the host
    // would have: SIGTERM, then SIGKILL after the grace period.
    kill(-group, SIGTERM);
    kill(-group, SIGCONT);
    struct timespec step = { 0, 10 * 1000 * 1000 };
    for (unsigned waited = 0; waited < grace_ms && kill(-group, 0) == 0; waited += 10) nanosleep(&step, NULL);
    kill(-group, SIGKILL);
    toolhost_sweep_cgroups(sweep);
    _exit(0);
}

/// In a forked watchdog: its own session, deaf to the signals a terminal or a group kill
/// sends, and holding nothing of the host's but `fd`, moved to 3 (a reader waiting for end of
/// file on the host's stdout, or a plugin on its stdin, must not wait for this process).
/// Returns 3, or exits when there is nothing to watch.
static int detach(int fd) {
    setsid();  // out of the host's process group: a kill of that group must not take it too
    struct sigaction ignore = { 0 };
    ignore.sa_handler = SIG_IGN;
    const int ignored[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU };
    for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++) sigaction(ignored[i], &ignore, NULL);
    if (fd < 3) fd = fcntl(fd, F_DUPFD, 3);  // a host started with 0-2 closed
    if (fd < 0) _exit(0);
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
        dup2(null_fd, 0);
        dup2(null_fd, 1);
        dup2(null_fd, 2);
    }
    if (fd != 3) dup2(fd, 3);
#ifdef SYS_close_range
    syscall(SYS_close_range, 4, ~0U, 0);
#else
    for (int other = 4; other < 65536; other++) close(other);
#endif
    return 3;
}

int toolhost_fork_watcher(unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep,
                          void (*watcher)(int read_fd, unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep),
                          int *write_fd_out, pid_t *watchdog_out) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return errno;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // No atfork handlers (malloc's locks...): the child never allocates, and the host is spared them.
    pid_t pid = _Fork();
#else
    pid_t pid = fork();
#endif
    if (pid < 0) {
        int error = errno;
        close(fds[0]);
        close(fds[1]);
        return error;
    }
    if (pid == 0) {
        close(fds[1]);
        watcher(detach(fds[0]), grace_ms, sweep);
        _exit(0);
    }
    close(fds[0]);
    *write_fd_out = fds[1];
    *watchdog_out = pid;
    return 0;
}

int toolhost_start_watchdog(unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep,
                            int *release_fd_out, pid_t *watchdog_out) {
    return toolhost_fork_watcher(grace_ms, sweep, watch, release_fd_out, watchdog_out);
}

int toolhost_arm_watchdog(int release_fd, pid_t group) {
    const char *bytes = (const char *)&group;
    size_t written = 0;
    while (written < sizeof group) {
        ssize_t count = write(release_fd, bytes + written, sizeof group - written);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) return errno;
        written += (size_t)count;
    }
    return 0;
}

void toolhost_release_watchdog(int release_fd, pid_t watchdog) {
    char byte = 1;
    ssize_t written;
    do {
        written = write(release_fd, &byte, 1);
    } while (written < 0 && errno == EINTR);
    close(release_fd);
    int status;
    while (waitpid(watchdog, &status, 0) < 0 && errno == EINTR) {}
}
