#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// Ctrl-C, SIGTERM and SIGHUP on `toolhost run`.
///
/// A plugin leads a process group of its own (so that a timeout stops everything it started),
/// so the terminal's SIGINT never reaches it, and a host that simply died would leave it
/// running. Instead the signals are taken on a thread of their own: a plugin's call is
/// cancelled (its whole group stopped: SIGTERM, then SIGKILL after the grace period, and
/// reaped), recorded as cancelled, and `toolhost run` exits 128 + the signal's number. A
/// built-in tool cannot be interrupted halfway and keep its data whole, so there the signal
/// ends the process at once, as it would have without this (a transaction not committed is
/// rolled back by the database).
final class StopSignals: Sendable {
    static let handled = [SIGINT, SIGTERM, SIGHUP]

    /// The signal that asked the call to stop; 0 while none has.
    private let received = Atomic<Int32>(0)

    var signal: Int32? {
        let number = received.load(ordering: .acquiring)
        return number == 0 ? nil : number
    }

    /// Blocks the signals in this thread (and so in every thread started later) and takes them
    /// on a thread of its own: for a plugin, `cancellation` is cancelled; else the process ends
    /// by the signal.
    init(cancelling cancellation: CallCancellation?) {
        var set = Self.signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let started = DetachedThread.start { [self] in
            var set = Self.signalSet()
            var number: Int32 = 0
            while sigwait(&set, &number) == 0 {
                guard let cancellation else { Self.end(by: number) }
                received.store(number, ordering: .releasing)
                cancellation.cancel()
            }
        }
        // No thread to take them: the signals keep their default effect.
        if !started { pthread_sigmask(SIG_UNBLOCK, &set, nil) }
    }

    /// Ends the process as if `number` had never been caught (the caller sees the signal).
    private static func end(by number: Int32) -> Never {
        Glibc.signal(number, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(number)
        _exit(128 + number)
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in handled { sigaddset(&set, number) }
        return set
    }
}
