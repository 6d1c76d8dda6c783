#define _GNU_SOURCE
#include "CProcessSupport.h"
#include "watcher_fork.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// Runs in a watchdog, a copy of a multi-threaded process: only async-signal-safe calls (no
// malloc, no stdio, no opendir), static buffers, directories read with getdents64.

#define PATH_SIZE 4096

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/// `base` + "/" + `name` into `out`; 0 when it does not fit.
static int join(char *out, const char *base, const char *name) {
    size_t base_length = strlen(base), name_length = strlen(name);
    if (base_length + 1 + name_length + 1 > PATH_SIZE) return 0;
    memcpy(out, base, base_length);
    out[base_length] = '/';
    memcpy(out + base_length + 1, name, name_length);
    out[base_length + 1 + name_length] = '\0';
    return 1;
}

/// Writes `text` to the file at `path` if it exists (a control file: freezer.state, cgroup.kill).
static void write_control(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t ignored = write(fd, text, strlen(text));
    (void)ignored;
    close(fd);
}

/// SIGKILLs every process listed in the cgroup.procs file at `path`; returns how many were.
static int kill_listed(const char *path) {
    static char buffer[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    int killed = 0;
    pid_t pid = 0;
    int digits = 0;
    for (;;) {
        ssize_t count = read(fd, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        for (ssize_t i = 0; i < count; i++) {
            char c = buffer[i];
            if (c >= '0' && c <= '9') {
                pid = pid * 10 + (c - '0');
                digits++;
            } else {
                if (digits > 0 && pid > 0 && kill(pid, SIGKILL) == 0) killed++;
                pid = 0;
                digits = 0;
            }
        }
    }
    if (digits > 0 && pid > 0 && kill(pid, SIGKILL) == 0) killed++;
    close(fd);
    return killed;
}

/// Kills everything in one run's cgroup folder (frozen first where the freezer is, so nothing
/// forks faster than the kill; `cgroup.kill` where v2 has it), then removes the folder.
static void empty_and_remove(const char *folder) {
    static char path[PATH_SIZE];
    struct timespec step = { 0, 1000 * 1000 };
    if (join(path, folder, "freezer.state")) write_control(path, "FROZEN");
    if (join(path, folder, "cgroup.kill")) write_control(path, "1");
    for (int round = 0; round < 200; round++) {
        if (!join(path, folder, "cgroup.procs") || kill_listed(path) == 0) break;
        nanosleep(&step, NULL);
    }
    if (join(path, folder, "freezer.state")) write_control(path, "THAWED");
    for (int attempt = 0; attempt < 100 && rmdir(folder) != 0 && errno == EBUSY; attempt++) nanosleep(&step, NULL);
}

/// Whether `name` is "toolhost-<owner>-<n>", the folder of one of `owner`'s runs.
static int owned_by(const char *name, pid_t owner) {
    static const char prefix[] = "toolhost-";
    if (strncmp(name, prefix, sizeof prefix - 1) != 0) return 0;
    const char *at = name + sizeof prefix - 1;
    long long value = 0;
    int digits = 0;
    while (*at >= '0' && *at <= '9' && digits < 12) {
        value = value * 10 + (*at - '0');
        at++;
        digits++;
    }
    return digits > 0 && value == owner && at[0] == '-' && at[1] != '\0';
}

void toolhost_sweep_cgroups(const struct toolhost_cgroup_sweep *sweep) {
    if (sweep == NULL || sweep->owner <= 0) return;
    static char entries[32768];
    static char folder[PATH_SIZE];
    for (unsigned index = 0; index < sweep->count; index++) {
        const char *base = sweep->bases[index];
        if (base == NULL) continue;
        int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) continue;
        // Removing entries while reading the directory is safe for cgroupfs, but the listing
        // is read again from the start until a pass finds nothing of the owner's.
        for (int pass = 0; pass < 16; pass++) {
            int found = 0;
            lseek(fd, 0, SEEK_SET);
            for (;;) {
                long count = syscall(SYS_getdents64, fd, entries, sizeof entries);
                if (count <= 0) break;
                for (long offset = 0; offset < count;) {
                    struct linux_dirent64 *entry = (struct linux_dirent64 *)(entries + offset);
                    offset += entry->d_reclen;
                    if (entry->d_type != DT_DIR || !owned_by(entry->d_name, sweep->owner)) continue;
                    if (!join(folder, base, entry->d_name)) continue;
                    empty_and_remove(folder);
                    found = 1;
                }
            }
            if (!found) break;
        }
        close(fd);
    }
}
