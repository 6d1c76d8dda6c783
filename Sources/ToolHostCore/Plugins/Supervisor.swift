import CProcessSupport
#if canImport(Glibc)
import Glibc
#endif

/// Watches one running child: feeds its stdin, drains its output, enforces the timeout and the
/// output cap, stops its process group and reaps every member.
struct Supervisor {
    private let pid: pid_t
    private let request: ProcessRequest
    private let started: Double

    private var stdinFD: Int32?
    private var stdoutFD: Int32?
    private var stderrFD: Int32?
    private var pidFD: Int32?
    private var inputOffset = 0

    private var outcome = ProcessOutcome(termination: .exited(0))
    private var termination: ProcessOutcome.Termination?
    private var leaderExitedAt = Double.infinity

    /// Escalation of the stop: nothing sent yet, SIGTERM sent (SIGKILL due at the deadline),
    /// SIGKILL sent (stop waiting for the pipes at the deadline).
    private enum Stop {
        case none
        case terminating(killAt: Double)
        case killed(giveUpAt: Double)
    }

    private var stop = Stop.none

    /// The run's cgroups, when it has them: the group that `signalGroup` and the final sweep
    /// reach, whatever process groups or sessions its members moved to.
    private let cgroup: PluginCgroup?

    init(pid: pid_t, request: ProcessRequest, pipes: Pipes, started: Double, cgroup: PluginCgroup?) {
        self.pid = pid
        self.cgroup = cgroup
        self.request = request
        self.started = started
        stdoutFD = pipes.stdout.read
        stderrFD = pipes.stderr.read
        _ = toolhost_set_nonblocking(pipes.stdout.read)
        _ = toolhost_set_nonblocking(pipes.stderr.read)
        if let input = request.input, !input.isEmpty {
            stdinFD = pipes.stdin.write
            _ = toolhost_set_nonblocking(pipes.stdin.write)
        } else {
            close(pipes.stdin.write)
        }
        let descriptor = toolhost_pidfd_open(pid)
        pidFD = descriptor >= 0 ? descriptor : nil
    }

    mutating func run() -> ProcessOutcome {
        let deadline = started + request.timeoutSeconds
        while termination == nil || stdoutFD != nil || stderrFD != nil {
            let now = MonotonicClock.now()
            advanceStop(now: now, deadline: deadline)
            if case .killed(let giveUpAt) = stop, now >= giveUpAt { break }
            pollOnce(timeout: pollTimeout(now: now, deadline: deadline))
            if termination == nil { reapLeader(blocking: false) }
        }
        finish()
        return outcome
    }

    // MARK: Escalation

    private mutating func advanceStop(now: Double, deadline: Double) {
        switch stop {
        case .none:
            if termination == nil, now >= deadline {
                outcome.timedOut = true
                beginStop(now: now)
            } else if termination == nil, request.cancellation?.isCancelled == true {
                outcome.cancelled = true
                beginStop(now: now)
            } else if termination != nil {
                if groupHasMembers() {
                    // The plugin exited but left children behind: they go too.
                    beginStop(now: now)
                } else if now >= leaderExitedAt + request.killGraceSeconds {
                    // A process that left the group (setsid) still holds the pipes; the host
                    // cannot stop it by group and stops waiting for it instead.
                    stop = .killed(giveUpAt: now)
                }
            }
        case .terminating(let killAt) where now >= killAt:
            signalGroup(SIGKILL)
            stop = .killed(giveUpAt: now + 1)
        default:
            break
        }
    }

    private mutating func beginStop(now: Double) {
        signalGroup(SIGTERM)
        signalGroup(SIGCONT)  // a stopped process cannot act on SIGTERM
        stop = .terminating(killAt: now + request.killGraceSeconds)
    }

    private func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
        cgroup?.signalAll(signal)
    }

    private func groupHasMembers() -> Bool {
        reapGroup()
        if let cgroup, !cgroup.members().isEmpty { return true }
        return kill(-pid, 0) == 0
    }

    private func pollTimeout(now: Double, deadline: Double) -> Int32 {
        var until: Double
        switch stop {
        case .none: until = termination == nil ? deadline : now + 0.05
        case .terminating(let killAt): until = killAt
        case .killed(let giveUpAt): until = giveUpAt
        }
        if pidFD == nil, termination == nil { until = min(until, now + 0.01) }
        if termination != nil, case .terminating = stop { until = min(until, now + 0.02) }
        return Int32(max(0, min((until - now) * 1000, 1000)).rounded(.up))
    }

    // MARK: I/O

    private mutating func pollOnce(timeout: Int32) {
        var descriptors: [pollfd] = []
        if let fd = stdinFD { descriptors.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
        if let fd = stdoutFD { descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        if let fd = stderrFD { descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        if let fd = pidFD, termination == nil { descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        // Only watched until the stop begins: once readable it stays readable.
        if case .none = stop, termination == nil, let fd = request.cancellation?.wakeDescriptor {
            descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        guard !descriptors.isEmpty else {
            usleep(useconds_t(max(timeout, 1)) * 1000)
            return
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
        guard ready > 0 else { return }
        for descriptor in descriptors where descriptor.revents != 0 {
            switch descriptor.fd {
            case stdinFD: writeInput()
            case stdoutFD: drainStdout()
            case stderrFD: drainStderr()
            case pidFD: reapLeader(blocking: false)
            default: break
            }
        }
    }

    private mutating func writeInput() {
        guard let fd = stdinFD, let input = request.input else { return }
        let written = input.withUnsafeBytes { buffer in
            write(fd, buffer.baseAddress! + inputOffset, min(buffer.count - inputOffset, 65536))
        }
        if written > 0 { inputOffset += written }
        // EPIPE: the plugin closed its stdin without reading everything; that is its choice.
        if inputOffset >= input.count || (written < 0 && errno != EAGAIN && errno != EINTR) {
            close(fd)
            stdinFD = nil
        }
    }

    private mutating func drainStdout() {
        guard let fd = stdoutFD else { return }
        if let observer = request.stdoutObserver {
            readAvailable(fd) { chunk in
                if !observer(chunk), case .none = stop, termination == nil { beginStop(now: MonotonicClock.now()) }
            } atEnd: {
                close(fd)
                stdoutFD = nil
            }
            return
        }
        readAvailable(fd) { chunk in
            guard !outcome.stdoutOverflowed else { return }  // past the cap: read and dropped
            let room = request.maxOutputBytes - outcome.stdout.count
            if chunk.count > room {
                // The call fails: a head of the output is enough to see what the plugin did.
                outcome.stdout = Array(outcome.stdout.prefix(Self.overflowHeadBytes))
                outcome.stdoutOverflowed = true
                if case .none = stop { beginStop(now: MonotonicClock.now()) }
            } else {
                Self.grow(&outcome.stdout, toHold: chunk.count, cap: request.maxOutputBytes)
                outcome.stdout.append(contentsOf: chunk)
            }
        } atEnd: {
            close(fd)
            stdoutFD = nil
        }
    }

    /// What is kept of stdout once it passed the cap.
    static let overflowHeadBytes = 65536

    /// Doubles `buffer`'s capacity as an append would, but never past `cap`: a plugin that
    /// writes up to the cap costs the host about the cap, not twice it.
    private static func grow(_ buffer: inout [UInt8], toHold extra: Int, cap: Int) {
        let needed = buffer.count + extra
        guard needed > buffer.capacity else { return }
        buffer.reserveCapacity(min(max(needed, buffer.capacity * 2), max(cap, needed)))
    }

    private mutating func drainStderr() {
        guard let fd = stderrFD else { return }
        readAvailable(fd) { chunk in
            let room = max(request.maxOutputBytes - outcome.stderr.count, 0)
            let kept = chunk.prefix(room)
            Self.grow(&outcome.stderr, toHold: kept.count, cap: request.maxOutputBytes)
            outcome.stderr.append(contentsOf: kept)
            outcome.stderrDroppedBytes += chunk.count - kept.count
            if !kept.isEmpty { request.stderrObserver?(kept) }
        } atEnd: {
            close(fd)
            stderrFD = nil
        }
    }

    /// Reads what is available now (up to 1 MiB per wake-up, to keep the loop responsive).
    private func readAvailable(_ fd: Int32, _ consume: (ArraySlice<UInt8>) -> Void, atEnd: () -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<16 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                consume(buffer[0..<count])
                if count < buffer.count { return }
            } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                atEnd()
                return
            } else {
                return
            }
        }
    }

    // MARK: Reaping

    private mutating func reapLeader(blocking: Bool) {
        guard termination == nil else { return }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result < 0 && errno == EINTR
        guard result == pid else { return }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift cannot import as macros.
        let signal = status & 0x7F
        termination = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
        leaderExitedAt = MonotonicClock.now()
        if let fd = pidFD {
            close(fd)
            pidFD = nil
        }
    }

    /// Reaps every member of the plugin's group that has become our child and has exited.
    private func reapGroup() {
        var status: Int32 = 0
        while waitpid(-pid, &status, WNOHANG) > 0 {}
    }

    private mutating func finish() {
        for fd in [stdinFD, stdoutFD, stderrFD].compactMap({ $0 }) { close(fd) }
        stdinFD = nil
        stdoutFD = nil
        stderrFD = nil
        if termination == nil {
            signalGroup(SIGKILL)
            reapLeader(blocking: true)
        }
        if groupHasMembers() {
            signalGroup(SIGKILL)
            let giveUp = MonotonicClock.now() + 1
            while groupHasMembers(), MonotonicClock.now() < giveUp { usleep(1000) }
        }
        if let fd = pidFD { close(fd) }
        if let cgroup {
            // The kernel's OOM killer sends SIGKILL: the run failed for memory when its leader
            // died that way (a plugin that survived a child's OOM kill answers for itself).
            outcome.memoryLimitExceeded = termination == .signaled(SIGKILL) && cgroup.outOfMemoryKills() > 0
            cgroup.destroy()
        }
        outcome.termination = termination ?? .signaled(SIGKILL)
        outcome.durationSeconds = MonotonicClock.now() - started
    }
}
