import CProcessSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A process that outlives the host to stop a plugin's group if the host is killed outright
/// (SIGKILL from a caller's own timeout, which nothing in the host can catch).
///
/// In a one-call process (`toolhost run`) it is forked for the plugin, before the plugin is
/// spawned, and armed with the plugin's group right after; it is released once the host has
/// seen the plugin to its end (or failed to start it). A long-lived host starts one shared
/// watchdog instead (`startShared`) and only tells it each group as it starts and ends:
/// forking a grown server for every plugin made each of its calls about 2 ms slower.
///
/// Either way the group is named just after the plugin starts (its pid is its group, unknown
/// before): a host killed in that instant leaves that one plugin unwatched. After the groups,
/// the watchdog empties and removes the host's plugin cgroups (`cgroupBases`): a `setsid` or
/// double-forked child left the group but not its cgroup.
public struct PluginWatchdog {
    private enum Kind {
        case own(releaseFD: Int32, pid: pid_t)
        case shared(messageFD: Int32)
    }

    private let kind: Kind
    private var group: pid_t = 0

    /// Nil when the system cannot fork one now; the plugin goes on, stopped by the host as always.
    /// `cgroupBases`: where this host makes its runs' cgroups (none without cgroups).
    init?(killGraceSeconds: Double, cgroupBases: [String]) {
        let shared = Self.sharedMessageFD.load(ordering: .acquiring)
        if shared >= 0 {
            kind = .shared(messageFD: shared)
            return
        }
        var releaseFD: Int32 = -1
        var pid: pid_t = 0
        let started = CgroupSweep.with(bases: cgroupBases, owner: getpid()) { sweep in
            toolhost_start_watchdog(Self.milliseconds(killGraceSeconds), sweep, &releaseFD, &pid)
        }
        guard started == 0 else { return nil }
        kind = .own(releaseFD: releaseFD, pid: pid)
    }

    /// The folders under which a run with `policy` gets its cgroups: none when cgroups are off
    /// or cannot be had.
    static func cgroupBases(for policy: SandboxPolicy?) -> [String] {
        guard let policy, policy.cgroups != .off, case .success(let hierarchy) = CgroupHierarchy.current else { return [] }
        return hierarchy.folders.values.sorted()
    }


    /// Names the plugin's process group, to be stopped should the host die.
    mutating func arm(group: pid_t) {
        self.group = group
        switch kind {
        case .own(let releaseFD, _): _ = toolhost_arm_watchdog(releaseFD, group)
        case .shared(let messageFD): _ = toolhost_shared_watchdog_tell(messageFD, group)
        }
    }

    /// Tells the watchdog it is not needed for this plugin (and reaps one of its own).
    func release() {
        switch kind {
        case .own(let releaseFD, let pid): toolhost_release_watchdog(releaseFD, pid)
        case .shared(let messageFD): if group > 0 { _ = toolhost_shared_watchdog_tell(messageFD, -group) }
        }
    }

    /// The shared watchdog's descriptor, once started; -1 before.
    private static let sharedMessageFD = Atomic<Int32>(-1)

    /// Starts the shared watchdog of a long-lived host, once per process (later calls do
    /// nothing), so that the plugins it runs from then on are watched by it. Call early, while
    /// the process is small. False when it could not be forked (each plugin then gets its own).
    @discardableResult
    public static func startShared(killGraceSeconds: Double, sandbox: SandboxPolicy) -> Bool {
        sharedStart.withLock { started in
            if started { return sharedMessageFD.load(ordering: .acquiring) >= 0 }
            started = true
            var messageFD: Int32 = -1
            var pid: pid_t = 0
            let started = CgroupSweep.with(bases: cgroupBases(for: sandbox), owner: getpid()) { sweep in
                toolhost_start_shared_watchdog(milliseconds(killGraceSeconds), sweep, &messageFD, &pid)
            }
            guard started == 0 else { return false }
            sharedMessageFD.store(messageFD, ordering: .releasing)
            return true
        }
    }

    private static let sharedStart = Mutex(false)

    private static func milliseconds(_ seconds: Double) -> UInt32 {
        UInt32(min(max(seconds, 0), 3600) * 1000)
    }
}
