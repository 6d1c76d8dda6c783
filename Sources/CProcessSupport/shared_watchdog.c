#define _GNU_SOURCE
#include "CProcessSupport.h"
#include "watcher_fork.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// More than a server runs at once (service.max_concurrent_calls is at most 1024). Static: the
// child below may not allocate.
#define WATCHED_MAX 4096
static pid_t watched[WATCHED_MAX];

static void forget(pid_t group) {
    for (unsigned i = 0; i < WATCHED_MAX; i++) {
        if (watched[i] == group) {
            watched[i] = 0;
            return;
        }
    }
}

static void remember(pid_t group) {
    for (unsigned i = 0; i < WATCHED_MAX; i++) {
        if (watched[i] == 0) {
            watched[i] = group;
            return;
        }
    }
}

static int any_alive(void) {
    for (unsigned i = 0; i < WATCHED_MAX; i++) {
        if (watched[i] != 0 && kill(-watched[i], 0) == 0) return 1;
    }
    return 0;
}

static void signal_all(int signal) {
    for (unsigned i = 0; i < WATCHED_MAX; i++) {
        if (watched[i] != 0) kill(-watched[i], signal);
    }
}

// As in watchdog.c: a copy of a multi-threaded process, so only async-signal-safe calls.
static void watch_all(int message_fd, unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep) {
    // Messages of one pid_t each: a group to watch (positive) or to forget (negative), until
    // end of file, when the host is gone.
    pid_t message = 0;
    size_t received = 0;
    for (;;) {
        ssize_t count = read(message_fd, (char *)&message + received, sizeof message - received);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        received += (size_t)count;
        if (received < sizeof message) continue;
        received = 0;
        if (message > 0) remember(message);
        else if (message < 0) forget(-message);
    }

    // The host is gone: stop every group still watched as the host would have.
    signal_all(SIGTERM);
    signal_all(SIGCONT);
    struct timespec step = { 0, 10 * 1000 * 1000 };
    for (unsigned waited = 0; waited < grace_ms && any_alive(); waited += 10) nanosleep(&step, NULL);
    signal_all(SIGKILL);
    toolhost_sweep_cgroups(sweep);
    _exit(0);
}

int toolhost_start_shared_watchdog(unsigned int grace_ms, const struct toolhost_cgroup_sweep *sweep,
                                   int *message_fd_out, pid_t *watchdog_out) {
    return toolhost_fork_watcher(grace_ms, sweep, watch_all, message_fd_out, watchdog_out);
}

int toolhost_shared_watchdog_tell(int message_fd, pid_t message) {
    // One pid_t is less than PIPE_BUF: written whole, never interleaved with another thread's.
    ssize_t written;
    do {
        written = write(message_fd, &message, sizeof message);
    } while (written < 0 && errno == EINTR);
    return written == sizeof message ? 0 : errno;
}
