import CProcessSupport
#if canImport(Glibc)
import Glibc
#endif

/// Runs a child process to completion without deadlock, runaway memory or leftovers.
///
/// - The child leads a new process group, so a timeout stops it *and* everything it started:
///   SIGTERM to the group, SIGKILL after the grace period.
/// - Stdin is written and stdout/stderr are drained in one poll loop, so a plugin that writes
///   before reading, or fills both pipes, cannot deadlock the host; both streams are capped.
/// - The host is a child subreaper, so the plugin's own children are re-parented to it when the
///   plugin exits and are reaped here: no orphan, no zombie.
/// - Exit is observed through a pidfd (Linux ≥ 5.3), else by polling every 10 ms.
/// - With `stopsWithHost`, a watchdog process (`PluginWatchdog`: the plugin's own, or the one
///   a long-lived host shares among its plugins) stops the group if the host itself is killed.
public enum ProcessRunner {
    public static func run(_ request: ProcessRequest) throws(ToolHostError) -> ProcessOutcome {
        prepareHostProcess
        let startedAt = MonotonicClock.now()
        let pipes = try Pipes()
        var watchdog = request.stopsWithHost
            ? PluginWatchdog(killGraceSeconds: request.killGraceSeconds, cgroupBases: PluginWatchdog.cgroupBases(for: request.sandbox)) : nil
        defer { watchdog?.release() }
        if let policy = request.sandbox {
            let started: SandboxedSpawn.Started
            do {
                started = try SandboxedSpawn.start(request, policy: policy, pipes: pipes)
            } catch {
                pipes.closeChildEnds()
                pipes.closeParentEnds()
                throw error
            }
            pipes.closeChildEnds()
            watchdog?.arm(group: started.pid)
            var supervisor = Supervisor(pid: started.pid, request: request, pipes: pipes, started: startedAt, cgroup: started.cgroup)
            return supervisor.run()
        }
        var pid: pid_t = 0
        let spawnError = withCStrings(request.arguments) { argv in
            withCStrings(request.environment) { envp in
                toolhost_spawn(request.executablePath, argv, envp, request.workingDirectory,
                               pipes.stdin.read, pipes.stdout.write, pipes.stderr.write, &pid)
            }
        }
        pipes.closeChildEnds()
        guard spawnError == 0 else {
            pipes.closeParentEnds()
            throw spawnFailure(spawnError, request: request)
        }
        watchdog?.arm(group: pid)
        if let limit = request.memoryLimitBytes {
            // Applied right after the exec (posix_spawn cannot set limits); a plugin that must
            // be limited does not run unlimited.
            let result = toolhost_limit_address_space(pid, limit)
            if result != 0 {
                _ = kill(-pid, SIGKILL)
                var status: Int32 = 0
                _ = waitpid(pid, &status, 0)
                pipes.closeParentEnds()
                throw ToolHostError(.spawnFailed, "Cannot apply the memory limit to \(request.arguments.first ?? request.executablePath): \(String(cString: strerror(result))).")
            }
        }
        var supervisor = Supervisor(pid: pid, request: request, pipes: pipes, started: startedAt, cgroup: nil)
        return supervisor.run()
    }

    /// Once per process: plugins closing their stdin early must not kill the host with SIGPIPE,
    /// and orphaned grandchildren must come back to the host to be reaped.
    private static let prepareHostProcess: Void = {
        signal(SIGPIPE, SIG_IGN)
        _ = toolhost_become_subreaper()
    }()

    static func spawnFailure(_ code: Int32, request: ProcessRequest) -> ToolHostError {
        let command = request.arguments.first ?? request.executablePath
        let reason = String(cString: strerror(code)).lowercased()
        switch code {
        case ENOENT:
            return ToolHostError(.commandNotFound, "Cannot start \(command): \(request.executablePath) does not exist.")
        case EACCES:
            return ToolHostError(.spawnFailed, "Cannot start \(command): permission denied (is \(request.executablePath) executable?).")
        case ENOEXEC:
            return ToolHostError(.spawnFailed, "Cannot start \(command): \(request.executablePath) is not a program (add a #! line or name an interpreter).")
        default:
            return ToolHostError(.spawnFailed, "Cannot start \(command): \(reason).")
        }
    }

}

/// Calls `body` with a NULL-terminated C array of the strings, valid for the call only.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// The three pipes of a child: stdin (host writes), stdout and stderr (host reads).
struct Pipes {
    struct Pair {
        var read: Int32
        var write: Int32
    }

    let stdin: Pair
    let stdout: Pair
    let stderr: Pair

    init() throws(ToolHostError) {
        var created: [Pair] = []
        for _ in 0..<3 {
            var fds: [Int32] = [-1, -1]
            let result = toolhost_cloexec_pipe(&fds)
            guard result == 0 else {
                created.forEach { close($0.read); close($0.write) }
                throw ToolHostError(.spawnFailed, "Cannot create a pipe for the plugin: \(String(cString: strerror(result))).")
            }
            created.append(Pair(read: fds[0], write: fds[1]))
        }
        stdin = created[0]
        stdout = created[1]
        stderr = created[2]
    }

    func closeChildEnds() {
        close(stdin.read)
        close(stdout.write)
        close(stderr.write)
    }

    func closeParentEnds() {
        close(stdin.write)
        close(stdout.read)
        close(stderr.read)
    }
}
