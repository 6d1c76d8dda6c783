import CProcessSupport

/// A process that outlives the host to stop a plugin's group if the host is killed outright
/// (SIGKILL from a caller's own timeout, which nothing in the host can catch).
///
/// It is forked before the plugin is spawned and armed with the plugin's group right after,
/// so that no moment passes with a plugin and no watchdog; it is released once the host has
/// seen the plugin to its end (or failed to start it).
struct PluginWatchdog {
    private let releaseFD: Int32
    private let pid: pid_t

    /// Nil when the system cannot fork one now; the plugin goes on, stopped by the host as always.
    init?(killGraceSeconds: Double) {
        var releaseFD: Int32 = -1
        var pid: pid_t = 0
        let graceMilliseconds = UInt32(min(max(killGraceSeconds, 0), 3600) * 1000)
        guard toolhost_start_watchdog(graceMilliseconds, &releaseFD, &pid) == 0 else { return nil }
        self.releaseFD = releaseFD
        self.pid = pid
    }

    /// Names the plugin's process group, to be stopped should the host die.
    func arm(group: pid_t) {
        _ = toolhost_arm_watchdog(releaseFD, group)
    }

    /// Tells the watchdog it is not needed, and reaps it.
    func release() {
        toolhost_release_watchdog(releaseFD, pid)
    }
}
