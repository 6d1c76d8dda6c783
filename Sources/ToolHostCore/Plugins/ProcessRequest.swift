/// Everything needed to run one child process: a JSON object on stdin, JSON on stdout, in its
/// own process group, with timeouts and output caps (README "Writing a tool").
public struct ProcessRequest: Sendable {
    /// Absolute path of the program.
    public var executablePath: String
    /// The full argv, argv[0] included.
    public var arguments: [String]
    /// `NAME=value` entries: the complete environment of the child.
    public var environment: [String]
    public var workingDirectory: String
    /// Written to the child's stdin, which is then closed; nil closes stdin at once.
    public var input: [UInt8]?
    public var timeoutSeconds: Double
    /// Between SIGTERM and SIGKILL when the process group is stopped.
    public var killGraceSeconds: Double
    /// Cap on captured stdout and on captured stderr, each.
    public var maxOutputBytes: Int
    public var memoryLimitBytes: UInt64?
    /// Sees each chunk of stderr as it arrives (within the cap), e.g. to forward it live.
    public var stderrObserver: (@Sendable (ArraySlice<UInt8>) -> Void)?
    /// Sees each chunk of stdout as it arrives *instead of* it being kept (a stream producer's
    /// items: a run that lasts hours must not grow the host); returning false stops the
    /// process group, as a cancellation would, but the run is not marked cancelled.
    public var stdoutObserver: (@Sendable (ArraySlice<UInt8>) -> Bool)?
    /// Stops the process group as soon as it is cancelled (nil: only the timeout stops it).
    public var cancellation: CallCancellation?
    /// Stops the process group even when the host itself is killed (SIGKILL from a caller's own
    /// timeout): a watchdog process outlives the host for that (`toolhost run`).
    public var stopsWithHost = false
    /// How the child is confined (cgroups, seccomp, namespaces, Landlock); nil starts it with
    /// posix_spawn in a process group of its own and `memoryLimitBytes` as an rlimit only.
    public var sandbox: SandboxPolicy?

    public init(executablePath: String, arguments: [String], environment: [String], workingDirectory: String,
                input: [UInt8]?, timeoutSeconds: Double, killGraceSeconds: Double = 2,
                maxOutputBytes: Int = 16 * 1024 * 1024, memoryLimitBytes: UInt64? = nil,
                stderrObserver: (@Sendable (ArraySlice<UInt8>) -> Void)? = nil) {
        self.executablePath = executablePath
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.timeoutSeconds = timeoutSeconds
        self.killGraceSeconds = killGraceSeconds
        self.maxOutputBytes = maxOutputBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.stderrObserver = stderrObserver
    }
}

/// How a child process ended and what it wrote.
public struct ProcessOutcome: Sendable {
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    public var termination: Termination
    /// The timeout passed and the process group was stopped.
    public var timedOut = false
    /// The call was cancelled and the process group was stopped.
    public var cancelled = false
    /// Stdout passed the cap; the process group was stopped and `stdout` holds the first part.
    public var stdoutOverflowed = false
    /// The kernel killed a process of the group for passing the group's memory cap (cgroups).
    public var memoryLimitExceeded = false
    public var stdout: [UInt8] = []
    public var stderr: [UInt8] = []
    /// Bytes of stderr beyond the cap, drained and dropped.
    public var stderrDroppedBytes = 0
    public var durationSeconds: Double = 0

    /// The shell's convention: the exit code, or 128 + the signal number.
    public var exitStatus: Int32 {
        switch termination {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}
