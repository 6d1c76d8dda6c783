/// How plugin runs are confined (`plugins.sandbox` in config), and what one tool asks for on top
/// (`sandbox:` in its YAML).
///
/// A plugin may be written by an agent (`register_tool`), so a tool can only tighten what the
/// config allows, never loosen it: fewer processes, less memory, no network, fewer writable
/// folders. Every measure the kernel or the privileges cannot give is said, never skipped in
/// silence: `cgroups: required` refuses to run without them, and `toolhost sandbox` shows
/// what is in force here.
public struct SandboxPolicy: Sendable, Equatable {
    /// Whether each run gets cgroups of its own (memory and process caps for the whole group,
    /// and a kill that reaches processes that left the process group).
    public enum CgroupUse: String, Sendable, Equatable, CaseIterable {
        /// Where the host can create them; elsewhere the process group alone (`toolhost sandbox` says which).
        case auto
        /// Refuse to run a plugin without them.
        case required
        case off
    }

    public var cgroups = CgroupUse.auto
    /// Cap on the processes (and threads) of one run, through the pids controller.
    public var maxProcesses: Int? = 512
    /// Cap on the memory of one run's whole group; a tool's `memory_limit_mb` may lower it.
    public var memoryLimitMB: Int?
    /// `PR_SET_NO_NEW_PRIVS`: no setuid program gains privileges under the plugin.
    public var noNewPrivileges = true
    /// A seccomp filter that refuses ptrace, mount, namespaces, BPF, keyrings, kernel modules,
    /// reboot and other processes' memory with EPERM.
    public var seccomp = true
    /// Whether plugins may use the network; false runs them in a network namespace of their own
    /// (loopback only, down), which needs root (CAP_SYS_ADMIN).
    public var network = true
    /// With a list, plugins may write only beneath these paths (Landlock; reading stays free);
    /// nil leaves writing to file permissions.
    public var writablePaths: [String]?

    public init() {}

    /// This policy tightened by a tool's own `sandbox:` block and `memory_limit_mb`.
    public func tightened(by tool: ToolSandbox, memoryLimitMB toolMemory: Int?) -> SandboxPolicy {
        var policy = self
        policy.maxProcesses = Self.smaller(maxProcesses, tool.maxProcesses)
        policy.memoryLimitMB = Self.smaller(memoryLimitMB, toolMemory)
        policy.network = network && (tool.network ?? true)
        policy.seccomp = seccomp || tool.seccomp == true
        policy.noNewPrivileges = noNewPrivileges || tool.noNewPrivileges == true
        switch (writablePaths, tool.writablePaths) {
        case (nil, let own): policy.writablePaths = own
        case (let allowed?, nil): policy.writablePaths = allowed
        case (let allowed?, let own?):
            // Only the tool's folders that lie inside one the config allows.
            policy.writablePaths = own.filter { path in allowed.contains { ConfinedPaths.isInside(path, $0) } }
        }
        return policy
    }

    private static func smaller(_ a: Int?, _ b: Int?) -> Int? {
        switch (a, b) {
        case (let a?, let b?): min(a, b)
        case (let a?, nil): a
        case (nil, let b): b
        }
    }
}

/// A tool's own `sandbox:` block: each member only tightens `SandboxPolicy`.
public struct ToolSandbox: Sendable, Equatable {
    public var network: Bool?
    public var maxProcesses: Int?
    public var seccomp: Bool?
    public var noNewPrivileges: Bool?
    /// Absolute, or relative to the tool's working directory; built-in placeholders allowed.
    public var writablePaths: [String]?

    public init(network: Bool? = nil, maxProcesses: Int? = nil, seccomp: Bool? = nil, noNewPrivileges: Bool? = nil,
                writablePaths: [String]? = nil) {
        self.network = network
        self.maxProcesses = maxProcesses
        self.seccomp = seccomp
        self.noNewPrivileges = noNewPrivileges
        self.writablePaths = writablePaths
    }

    public var isEmpty: Bool { self == ToolSandbox() }

    public var json: JSONValue {
        var object = JSONObject()
        if let network { object["network"] = .bool(network) }
        if let maxProcesses { object["max_processes"] = .int(maxProcesses) }
        if let seccomp { object["seccomp"] = .bool(seccomp) }
        if let noNewPrivileges { object["no_new_privs"] = .bool(noNewPrivileges) }
        if let writablePaths { object["writable_paths"] = .array(writablePaths.map { .string($0) }) }
        return .object(object)
    }
}
