#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// SIGTERM's promise on every front end: the server is gone within
/// `service.shutdown_grace_seconds`, whatever its calls do.
///
/// Once the host has stopped taking calls, the calls in flight get most of the period to
/// finish. Then the ones still running are cancelled: a plugin's whole process group gets
/// SIGTERM, and SIGKILL `plugins.kill_grace_seconds` later, so the cancel comes that long (plus
/// a second to answer and record) before the end, and at the latest half way through. Their
/// callers are answered `cancelled` and the calls are recorded. Should the server still be busy
/// at the end (an in-process handler cannot be interrupted), it says so on stderr and exits 1;
/// the watchdogs of its plugins stop what is left of their groups.
enum ShutdownClock {
    private static let started = Atomic<Bool>(false)

    /// Starts the clock (once: a second signal changes nothing); `ServiceHost.beginShutdown`.
    static func start(for host: ServiceHost) {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let grace = host.config.service.shutdownGraceSeconds
        let cancelAfter = cancelAfterSeconds(grace: grace, killGrace: host.config.plugins.killGraceSeconds)
        WorkerThreads.startThread {
            sleep(seconds: cancelAfter)
            host.cancelAllCalls()
            sleep(seconds: grace - cancelAfter)
            let unfinished = host.unfinishedCalls
            let what = unfinished > 0 ? "\(unfinished) call\(unfinished == 1 ? "" : "s") still running" : "its recordings still being written"
            let line = "toolhost serve: \(grace.compactText) s after SIGTERM (service.shutdown_grace_seconds), with \(what): exiting anyway.\n"
            _ = FileIO.writeAll(Array(line.utf8), to: STDERR_FILENO)
            // Not exit(): another thread may hold the locks its clean-up would take.
            _exit(1)
        }
    }

    /// When the calls still running are cancelled: early enough for a plugin's SIGTERM, its
    /// kill grace and one second to answer and record to fit in the period.
    static func cancelAfterSeconds(grace: Double, killGrace: Double) -> Double {
        grace - min(killGrace + 1, grace / 2)
    }

    private static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}
