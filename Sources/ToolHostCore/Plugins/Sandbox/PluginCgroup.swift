import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The cgroups of one plugin run: made before the spawn, joined by the child before the exec,
/// emptied and removed after the run.
///
/// A process group is left by `setsid`; a cgroup is not, so a daemonising grandchild is found
/// and stopped with the rest. The memory and process caps hold for the whole group, where an
/// rlimit holds per process (a forking memory hog escapes it).
final class PluginCgroup {
    private let hierarchy: CgroupHierarchy
    /// The run's own folders, one per controller (v1) or one (v2).
    let folders: [String]
    private(set) var procsDescriptors: [Int32] = []
    /// Every process seen in the group, to reap those that became the host's children.
    private var seen: Set<pid_t> = []
    /// The plugin itself: never reaped here, its exit status is the Supervisor's to collect.
    var leader: pid_t = 0

    private static let sequence = Atomic<Int>(0)

    init(hierarchy: CgroupHierarchy, memoryLimitBytes: UInt64?, maxProcesses: Int?) throws(ToolHostError) {
        self.hierarchy = hierarchy
        Self.sweepOnce(hierarchy)
        let name = "toolhost-\(getpid())-\(Self.sequence.add(1, ordering: .relaxed).newValue)"
        folders = hierarchy.folders.values.sorted().map { FilePath.join($0, name) }
        var made: [String] = []
        do throws(ToolHostError) {
            for folder in folders {
                guard mkdir(folder, 0o755) == 0 else { throw Self.failure("create", folder) }
                made.append(folder)
            }
            try applyLimits(memoryLimitBytes: memoryLimitBytes, maxProcesses: maxProcesses)
            for folder in folders {
                let fd = open(FilePath.join(folder, "cgroup.procs"), O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else { throw Self.failure("open cgroup.procs of", folder) }
                procsDescriptors.append(fd)
            }
        } catch {
            procsDescriptors.forEach { close($0) }
            made.reversed().forEach { rmdir($0) }
            throw error
        }
    }

    private func applyLimits(memoryLimitBytes: UInt64?, maxProcesses: Int?) throws(ToolHostError) {
        let (memoryFile, pidsFile) = hierarchy.version == .v1 ? ("memory.limit_in_bytes", "pids.max") : ("memory.max", "pids.max")
        if let memoryLimitBytes, let folder = folder(of: "memory") {
            try write(String(memoryLimitBytes), to: FilePath.join(folder, memoryFile))
            // Swap would let the group run past its cap; without swap accounting the file is absent.
            if hierarchy.version == .v2 { try? write("0", to: FilePath.join(folder, "memory.swap.max")) }
        }
        if let maxProcesses, let folder = folder(of: "pids") {
            try write(String(maxProcesses), to: FilePath.join(folder, pidsFile))
        }
    }

    private func folder(of controller: String) -> String? {
        guard hierarchy.version == .v1 else { return folders.first }
        guard let base = hierarchy.folders[controller] else { return nil }
        return folders.first { FilePath.directory(of: $0) == base }
    }

    /// The child has written itself in (or failed to start): the descriptors are done with.
    func closeDescriptors() {
        procsDescriptors.forEach { close($0) }
        procsDescriptors = []
    }

    /// The processes in the group now.
    func members() -> [pid_t] {
        guard let folder = folders.first, let bytes = try? FileIO.read(FilePath.join(folder, "cgroup.procs")) else { return [] }
        let pids = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { pid_t($0) }
        seen.formUnion(pids)
        return pids
    }

    /// Sends `signal` to every member; SIGKILL freezes the group first (v1 freezer), so that no
    /// member can fork faster than the kill reaches it.
    func signalAll(_ signal: Int32) {
        let freezer = signal == SIGKILL ? folder(of: "freezer") : nil
        if let freezer { try? write("FROZEN", to: FilePath.join(freezer, "freezer.state")) }
        for member in members() { kill(member, signal) }
        if let freezer { try? write("THAWED", to: FilePath.join(freezer, "freezer.state")) }
        reapSeen()
    }

    /// Kills every member until the group is empty (at most `seconds`), reaps those that were
    /// the host's children, and removes the folders.
    func destroy(within seconds: Double = 2) {
        closeDescriptors()
        let giveUp = MonotonicClock.now() + seconds
        while !members().isEmpty, MonotonicClock.now() < giveUp {
            if hierarchy.version == .v2, let folder = folders.first, (try? write("1", to: FilePath.join(folder, "cgroup.kill"))) != nil {
                usleep(1000)
            } else {
                signalAll(SIGKILL)
                usleep(1000)
            }
        }
        reapSeen()
        for folder in folders.reversed() {
            var attempts = 0
            while rmdir(folder) != 0, errno == EBUSY, attempts < 100 {
                attempts += 1
                usleep(1000)
            }
        }
    }

    /// How often the kernel's OOM killer struck inside the group (v1 `memory.oom_control`,
    /// v2 `memory.events`), 0 when it cannot tell.
    func outOfMemoryKills() -> Int {
        guard let folder = folder(of: "memory") else { return 0 }
        let file = hierarchy.version == .v1 ? "memory.oom_control" : "memory.events"
        guard let bytes = try? FileIO.read(FilePath.join(folder, file)) else { return 0 }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("oom_kill ") {
            return Int(line.dropFirst("oom_kill ".count)) ?? 0
        }
        return 0
    }

    /// Once per process: the cgroups of hosts that died without removing theirs (SIGKILL, a
    /// power cut) are emptied and removed, plugins still running in them killed: no run is
    /// left behind for longer than it takes another ToolHost to start a plugin.
    private static let swept = Mutex(false)

    private static func sweepOnce(_ hierarchy: CgroupHierarchy) {
        let first = swept.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let bases = hierarchy.folders.values.sorted()
        var deadOwners: Set<pid_t> = []
        for base in bases {
            guard let directory = opendir(base) else { continue }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                let parts = name.split(separator: "-")
                guard parts.count == 3, parts[0] == "toolhost", let owner = pid_t(parts[1]), owner != getpid(),
                      kill(owner, 0) != 0, errno == ESRCH else { continue }
                deadOwners.insert(owner)
            }
            closedir(directory)
        }
        // The same emptying as a watchdog's when its host dies.
        for owner in deadOwners { CgroupSweep.sweep(bases: bases, owner: owner) }
    }

    /// Reaps members that became the host's children (it is a subreaper) and have exited.
    private func reapSeen() {
        var status: Int32 = 0
        for member in seen where member != leader && waitpid(member, &status, WNOHANG) == member {
            seen.remove(member)
        }
    }

    private func write(_ text: String, to path: String) throws(ToolHostError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.failure("open", path) }
        defer { close(fd) }
        guard FileIO.writeAll(Array(text.utf8), to: fd) else { throw Self.failure("write", path) }
    }

    private static func failure(_ action: String, _ path: String) -> ToolHostError {
        ToolHostError(.sandboxUnavailable, "Cannot \(action) \(path) for the plugin's cgroup: \(String(cString: strerror(errno)).lowercased()).")
    }
}

extension ErrorCode {
    /// A confinement the tool or the config asks for cannot be had here (kernel, privileges);
    /// the plugin was not started. `toolhost sandbox` shows what this machine allows.
    public static let sandboxUnavailable = ErrorCode("sandbox_unavailable")
    /// The plugin's group used more memory than its cap and was killed by the kernel.
    public static let memoryLimitExceeded = ErrorCode("memory_limit_exceeded")
}
