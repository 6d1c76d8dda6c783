#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// Ctrl-C, SIGTERM and SIGHUP on `toolhost run`.
///
/// A plugin leads a process group of its own (so that a timeout stops everything it started),
/// so the terminal's SIGINT never reaches it, and a host that simply died would leave it
/// running. Instead, while a plugin runs, the signals are taken on a thread of their own: the
/// call is cancelled (the plugin's whole group stopped: SIGTERM, then SIGKILL after the grace
/// period, and reaped), recorded as cancelled, and `toolhost run` exits 128 + the signal's
/// number. A call handed off to a `toolhost serve` is stopped the same way: the caller tells
/// the server it has gone (`HandOffClient`), the server cancels the call, and the caller
/// prints its cancelled answer. (A built-in tool run in-process needs none of this: the signal
/// ends the process as it always did, and the transaction it had not committed is rolled back
/// by the database.)
public final class StopSignals: Sendable {
    public static let handled = [SIGINT, SIGTERM, SIGHUP]

    /// The signal that asked the call to stop; 0 while none has.
    private let received = Atomic<Int32>(0)

    public var signal: Int32? {
        let number = received.load(ordering: .acquiring)
        return number == 0 ? nil : number
    }

    /// Blocks the signals in this thread (and so in every thread started later) and takes them
    /// on a thread of its own, which cancels `cancellation`.
    public init(cancelling cancellation: CallCancellation) {
        var set = Self.signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let started = DetachedThread.start { [self] in
            var set = Self.signalSet()
            var number: Int32 = 0
            while sigwait(&set, &number) == 0 {
                received.store(number, ordering: .releasing)
                cancellation.cancel()
            }
        }
        // No thread to take them: the signals keep their default effect.
        if !started { pthread_sigmask(SIG_UNBLOCK, &set, nil) }
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in handled { sigaddset(&set, number) }
        return set
    }
}
