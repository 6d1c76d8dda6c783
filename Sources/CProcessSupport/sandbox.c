#define _GNU_SOURCE
#include "CProcessSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

// MARK: seccomp

#if defined(__x86_64__)
#define TOOLHOST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TOOLHOST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/// Calls a plugin has no business making: debugging other processes, mounting, namespaces,
/// kernel modules and keyrings, BPF, rebooting, reading other processes' memory.
static const int denied_calls[] = {
    __NR_ptrace, __NR_mount, __NR_umount2, __NR_pivot_root, __NR_chroot, __NR_bpf, __NR_keyctl, __NR_add_key,
    __NR_request_key, __NR_unshare, __NR_setns, __NR_init_module, __NR_finit_module, __NR_delete_module,
    __NR_kexec_load, __NR_reboot, __NR_swapon, __NR_swapoff, __NR_perf_event_open, __NR_process_vm_readv,
    __NR_process_vm_writev, __NR_userfaultfd, __NR_open_by_handle_at, __NR_name_to_handle_at, __NR_acct,
    __NR_quotactl, __NR_syslog, __NR_settimeofday, __NR_clock_settime, __NR_fsopen, __NR_fsmount,
    __NR_fsconfig, __NR_move_mount, __NR_open_tree,
#ifdef __NR_kexec_file_load
    __NR_kexec_file_load,
#endif
#ifdef __NR_iopl
    __NR_iopl, __NR_ioperm,
#endif
};

#define NAMESPACE_FLAGS (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)
#define DENIED_COUNT (sizeof(denied_calls) / sizeof(denied_calls[0]))
#define FILTER_CAPACITY (DENIED_COUNT + 16)

static struct sock_filter seccomp_filter[FILTER_CAPACITY];
static unsigned short seccomp_filter_length = 0;

/// Built once, in the host (the child after fork may only make system calls).
static void build_seccomp_filter(void) {
    if (seccomp_filter_length != 0) return;
    struct sock_filter *f = seccomp_filter;
    unsigned short n = 0;
    const unsigned short denied = (unsigned short)DENIED_COUNT;
    // The architecture the numbers belong to; anything else is killed.
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TOOLHOST_AUDIT_ARCH, 1, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
    // The x32 ABI's numbers (bit 30) would dodge every check below.
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
#endif
    // Each denied call jumps to the EPERM return at the very end (6 instructions after the list).
    for (unsigned short i = 0; i < denied; i++) {
        f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied_calls[i], (unsigned char)(denied - i + 5), 0);
    }
    // clone3 passes its flags in memory the filter cannot read: ENOSYS makes libc use clone.
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
    // clone with a namespace flag is unshare by another name.
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 2);
#if defined(__x86_64__) || defined(__aarch64__)
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
#endif
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NAMESPACE_FLAGS, 1, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    seccomp_filter_length = n;
}

// MARK: Landlock

static long landlock_abi(void) {
    return syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

int toolhost_landlock_abi(void) {
    long abi = landlock_abi();
    return abi < 0 ? 0 : (int)abi;
}

/// Every right that changes the file system, as far as the running kernel's ABI knows them.
static unsigned long long landlock_write_rights(long abi) {
    unsigned long long rights = (1ULL << 1)   /* WRITE_FILE */
        | (1ULL << 4) | (1ULL << 5)            /* REMOVE_DIR, REMOVE_FILE */
        | (1ULL << 6) | (1ULL << 7) | (1ULL << 8) | (1ULL << 9) | (1ULL << 10) | (1ULL << 11) | (1ULL << 12); /* MAKE_* */
    if (abi >= 2) rights |= 1ULL << 13;        /* REFER */
    if (abi >= 3) rights |= 1ULL << 14;        /* TRUNCATE */
    return rights;
}

int toolhost_landlock_writable_ruleset(const char *const paths[], int count, int *ruleset_out, int *failed_path_out) {
    *failed_path_out = -1;
    long abi = landlock_abi();
    if (abi < 1) return errno ? errno : ENOSYS;
    unsigned long long rights = landlock_write_rights(abi);
    struct landlock_ruleset_attr attributes = { .handled_access_fs = rights };
    int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attributes, sizeof(attributes), 0);
    if (ruleset < 0) return errno;
    for (int i = 0; i < count; i++) {
        int fd = open(paths[i], O_PATH | O_CLOEXEC);
        if (fd < 0) {
            int error = errno;
            close(ruleset);
            *failed_path_out = i;
            return error;
        }
        struct stat info;
        unsigned long long allowed = rights;
        // A file takes only the rights that apply to files.
        if (fstat(fd, &info) == 0 && !S_ISDIR(info.st_mode)) allowed &= (1ULL << 1) | (abi >= 3 ? (1ULL << 14) : 0);
        struct landlock_path_beneath_attr rule = { .allowed_access = allowed, .parent_fd = fd };
        long added = syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
        int error = errno;
        close(fd);
        if (added != 0) {
            close(ruleset);
            *failed_path_out = i;
            return error;
        }
    }
    // The child applies it; close-on-exec keeps it from the plugin.
    fcntl(ruleset, F_SETFD, FD_CLOEXEC);
    *ruleset_out = ruleset;
    return 0;
}

// MARK: Spawning

/// Writes `value` in decimal without allocating (the child may only make system calls).
static int write_decimal(int fd, long value) {
    char digits[24];
    int at = (int)sizeof(digits);
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && at > 0);
    return write(fd, digits + at, sizeof(digits) - (size_t)at) < 0 ? -1 : 0;
}

/// In the child, between fork and exec: each step in turn, and on failure the step and errno
/// go back to the host through `report`.
static void child(const toolhost_sandboxed_spawn *s, int report) __attribute__((noreturn));
static void child(const toolhost_sandboxed_spawn *s, int report) {
    int step = TOOLHOST_STEP_GROUP;
    if (setpgid(0, 0) != 0) goto failed;
    step = TOOLHOST_STEP_CGROUP;
    for (int i = 0; i < s->cgroup_procs_count; i++) {
        if (write_decimal(s->cgroup_procs_fds[i], (long)getpid()) != 0) goto failed;
    }
    step = TOOLHOST_STEP_SIGNALS;
    struct sigaction default_action;
    memset(&default_action, 0, sizeof(default_action));
    default_action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
        sigaction(signal_number, &default_action, NULL);  // numbers without a signal fail harmlessly
    }
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) goto failed;
    step = TOOLHOST_STEP_DESCRIPTORS;
    int sources[3] = { s->stdin_fd, s->stdout_fd, s->stderr_fd };
    for (int target = 0; target < 3; target++) {
        if (sources[target] == target) {
            if (fcntl(target, F_SETFD, 0) != 0) goto failed;
        } else if (dup2(sources[target], target) < 0) {
            goto failed;
        }
    }
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        for (int fd = 3; fd < 65536; fd++) if (fd != report) fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    step = TOOLHOST_STEP_DIRECTORY;
    if (s->cwd != NULL && chdir(s->cwd) != 0) goto failed;
    step = TOOLHOST_STEP_MEMORY;
    if (s->address_space_limit > 0) {
        struct rlimit limit = { .rlim_cur = s->address_space_limit, .rlim_max = s->address_space_limit };
        if (setrlimit(RLIMIT_AS, &limit) != 0) goto failed;
    }
    step = TOOLHOST_STEP_NETWORK;
    if (s->isolate_network && unshare(CLONE_NEWNET) != 0) goto failed;
    step = TOOLHOST_STEP_NO_NEW_PRIVS;
    if ((s->no_new_privs || s->seccomp || s->landlock_ruleset_fd >= 0) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) goto failed;
    step = TOOLHOST_STEP_LANDLOCK;
    if (s->landlock_ruleset_fd >= 0 && syscall(__NR_landlock_restrict_self, s->landlock_ruleset_fd, 0) != 0) goto failed;
    step = TOOLHOST_STEP_SECCOMP;
    if (s->seccomp) {
        struct sock_fprog program = { .len = seccomp_filter_length, .filter = seccomp_filter };
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) goto failed;
    }
    step = TOOLHOST_STEP_EXEC;
    execve(s->path, s->argv, s->envp);
failed:;
    int failure[2] = { step, errno };
    (void)!write(report, failure, sizeof(failure));
    _exit(127);
}

int toolhost_spawn_sandboxed(const toolhost_sandboxed_spawn *request, pid_t *pid_out, int *failed_step_out) {
    *failed_step_out = 0;
    if (request->seccomp) build_seccomp_filter();
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    pid_t pid = fork();
    if (pid < 0) {
        int error = errno;
        close(report[0]);
        close(report[1]);
        return error;
    }
    if (pid == 0) {
        close(report[0]);
        child(request, report[1]);
    }
    close(report[1]);
    int failure[2] = { 0, 0 };
    ssize_t got;
    do { got = read(report[0], failure, sizeof(failure)); } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof(failure)) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *failed_step_out = failure[0];
        return failure[1] ? failure[1] : EINVAL;
    }
    *pid_out = pid;
    return 0;
}

int toolhost_seccomp_available(void) {
    return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 ? 1 : 0;
}
