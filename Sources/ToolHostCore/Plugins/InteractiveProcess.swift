import CProcessSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process the host talks with for as long as it likes (an MCP server over stdio),
/// rather than one run to completion (`ProcessRunner`).
///
/// Started the way a plugin is: leader of a new process group (so stopping it stops all it
/// started), every other descriptor closed, the host a child subreaper, SIGPIPE ignored, and,
/// with `stopsWithHost`, watched by the host's watchdog (its group is stopped if the host is
/// killed outright). One thread of its own reads stdout line by line and drains stderr, so a
/// chatty child never blocks on a full pipe; the owner writes to stdin.
///
/// ```swift
/// let child = try InteractiveProcess.start(executablePath: "/usr/bin/python3", arguments: ["python3", "-m", "server"],
///                                          environment: ["PATH=/usr/bin"], workingDirectory: "/tmp",
///                                          onLine: { line in ... }, onStderr: { _ in }, onEnd: { ... })
/// _ = child.write(Array("{...}\n".utf8))
/// child.stop(killGraceSeconds: 2)
/// ```
public final class InteractiveProcess: Sendable {
    public let pid: pid_t
    private let stdinFD: Int32
    /// Written to stop the reader thread (it owns stdout and stderr and closes them).
    private let stopWriteFD: Int32
    private let writing = Mutex(false)  // true once stdin is closed
    private let reaped = Mutex<ProcessOutcome.Termination?>(nil)
    private let watchdog: Mutex<PluginWatchdog?>

    private init(pid: pid_t, stdinFD: Int32, stopWriteFD: Int32, watchdog: sending PluginWatchdog?) {
        self.pid = pid
        self.stdinFD = stdinFD
        self.stopWriteFD = stopWriteFD
        self.watchdog = Mutex(watchdog)
    }

    deinit {
        closeStdin()
        close(stopWriteFD)
    }

    /// Starts the process. `onLine` gets each line of stdout (without its newline), `onStderr`
    /// each chunk of stderr, `onEnd` once, when stdout has ended (the child exited or closed
    /// it) or `stop` was called; all on the reader thread.
    public static func start(executablePath: String, arguments: [String], environment: [String], workingDirectory: String,
                             stopsWithHost: Bool, killGraceSeconds: Double,
                             onLine: @escaping @Sendable ([UInt8]) -> Void,
                             onStderr: @escaping @Sendable (ArraySlice<UInt8>) -> Void,
                             onEnd: @escaping @Sendable () -> Void) throws(ToolHostError) -> InteractiveProcess {
        prepareHostProcess
        let pipes = try Pipes()
        var stopPipe: [Int32] = [-1, -1]
        guard toolhost_cloexec_pipe(&stopPipe) == 0 else {
            pipes.closeChildEnds()
            pipes.closeParentEnds()
            throw ToolHostError(.spawnFailed, "Cannot create a pipe for \(arguments.first ?? executablePath).")
        }
        var watchdog = stopsWithHost ? PluginWatchdog(killGraceSeconds: killGraceSeconds, cgroupBases: []) : nil
        var pid: pid_t = 0
        let spawnError = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in
                toolhost_spawn(executablePath, argv, envp, workingDirectory, pipes.stdin.read, pipes.stdout.write, pipes.stderr.write, &pid)
            }
        }
        pipes.closeChildEnds()
        guard spawnError == 0 else {
            pipes.closeParentEnds()
            close(stopPipe[0])
            close(stopPipe[1])
            watchdog?.release()
            throw ProcessRunner.spawnFailure(spawnError, request: ProcessRequest(
                executablePath: executablePath, arguments: arguments, environment: [], workingDirectory: workingDirectory,
                input: nil, timeoutSeconds: 0))
        }
        watchdog?.arm(group: pid)
        let process = InteractiveProcess(pid: pid, stdinFD: pipes.stdin.write, stopWriteFD: stopPipe[1], watchdog: watchdog)
        let reader = Reader(stdout: pipes.stdout.read, stderr: pipes.stderr.read, stop: stopPipe[0],
                            onLine: onLine, onStderr: onStderr, onEnd: onEnd)
        if !DetachedThread.start({ reader.run() }) {
            process.stop(killGraceSeconds: 0)
            reader.closeAll()
            throw ToolHostError(.spawnFailed, "Cannot start a thread to read \(arguments.first ?? executablePath).")
        }
        return process
    }

    /// Writes all of `bytes` to the child's stdin (writers take turns); false when the child
    /// no longer reads it (it exited, or closed stdin) or it was closed.
    public func write(_ bytes: [UInt8]) -> Bool {
        writing.withLock { closed in
            guard !closed else { return false }
            return FileIO.writeAll(bytes, to: stdinFD)
        }
    }

    /// How the leader ended, once it has (it is reaped then); nil while it runs.
    public var termination: ProcessOutcome.Termination? { reap(blocking: false) }

    /// Ends the child politely, then firmly: stdin closed (a server's signal to exit), a short
    /// wait, SIGTERM to its group, SIGKILL after `killGraceSeconds`; every member reaped.
    /// Safe to call more than once and from any thread.
    public func stop(killGraceSeconds: Double, politeSeconds: Double = 0.5) {
        closeStdin()
        var byte: UInt8 = 1
        _ = Glibc.write(stopWriteFD, &byte, 1)
        if !waitForExit(seconds: politeSeconds) {
            _ = kill(-pid, SIGTERM)
            _ = kill(-pid, SIGCONT)
            if !waitForExit(seconds: killGraceSeconds) {
                _ = kill(-pid, SIGKILL)
                _ = reap(blocking: true)
            }
        }
        // The leader is gone; what it left in its group goes too.
        if kill(-pid, 0) == 0 {
            _ = kill(-pid, SIGKILL)
            let giveUp = MonotonicClock.now() + 1
            var status: Int32 = 0
            while kill(-pid, 0) == 0, MonotonicClock.now() < giveUp {
                while waitpid(-pid, &status, WNOHANG) > 0 {}
                usleep(1000)
            }
        }
        watchdog.withLock { watchdog in
            watchdog?.release()
            watchdog = nil
        }
    }

    /// Closes stdin (no more writes).
    public func closeStdin() {
        writing.withLock { closed in
            guard !closed else { return }
            closed = true
            close(stdinFD)
        }
    }

    private func waitForExit(seconds: Double) -> Bool {
        let giveUp = MonotonicClock.now() + seconds
        while reap(blocking: false) == nil {
            if MonotonicClock.now() >= giveUp { return false }
            usleep(5000)
        }
        return true
    }

    /// The leader's termination once reaped.
    private func reap(blocking: Bool) -> ProcessOutcome.Termination? {
        reaped.withLock { termination in
            if let termination { return termination }
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result < 0 && errno == EINTR
            if result == pid {
                let signal = status & 0x7F
                termination = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
            } else if result < 0 && errno == ECHILD {
                termination = .exited(0)  // reaped elsewhere
            }
            return termination
        }
    }

    private static let prepareHostProcess: Void = {
        signal(SIGPIPE, SIG_IGN)
        _ = toolhost_become_subreaper()
    }()
}

/// The reader thread's side: polls stdout, stderr and the stop pipe; owns (and closes) them.
private final class Reader: Sendable {
    let stdout: Int32
    let stderr: Int32
    let stop: Int32
    let onLine: @Sendable ([UInt8]) -> Void
    let onStderr: @Sendable (ArraySlice<UInt8>) -> Void
    let onEnd: @Sendable () -> Void

    /// A line longer than this is cut (an MCP message of 64 MiB is not one a tool answers with).
    static let maxLineBytes = 64 << 20

    init(stdout: Int32, stderr: Int32, stop: Int32, onLine: @escaping @Sendable ([UInt8]) -> Void,
         onStderr: @escaping @Sendable (ArraySlice<UInt8>) -> Void, onEnd: @escaping @Sendable () -> Void) {
        self.stdout = stdout
        self.stderr = stderr
        self.stop = stop
        self.onLine = onLine
        self.onStderr = onStderr
        self.onEnd = onEnd
    }

    func run() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var stdoutOpen = true
        var stderrOpen = true
        while stdoutOpen {
            var descriptors = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
            if stderrOpen { descriptors.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if descriptors[1].revents != 0 { break }
            if stderrOpen, descriptors.count > 2, descriptors[2].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(stderr, $0.baseAddress, $0.count) }
                if count > 0 { onStderr(buffer[0..<count]) } else if count == 0 || (errno != EINTR && errno != EAGAIN) { stderrOpen = false }
            }
            if descriptors[0].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(stdout, $0.baseAddress, $0.count) }
                if count > 0 {
                    var start = 0
                    for index in 0..<count where buffer[index] == 0x0A {
                        pending.append(contentsOf: buffer[start..<index])
                        onLine(pending)
                        pending.removeAll(keepingCapacity: true)
                        start = index + 1
                    }
                    if pending.count < Self.maxLineBytes { pending.append(contentsOf: buffer[start..<count]) }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    stdoutOpen = false
                }
            }
        }
        closeAll()
        onEnd()
    }

    func closeAll() {
        close(stdout)
        close(stderr)
        close(stop)
    }
}
