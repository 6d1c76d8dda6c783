#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// SIGTERM and SIGINT for the stdio front ends: instead of dying with calls half done and
/// recordings queued, the server runs `body` (finish the calls, write the recordings, exit).
public enum TerminationSignals {
    /// Kept alive for the life of the process.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Call once, from the main thread, before serving.
    public static func handle(_ body: @escaping @Sendable () -> Void) {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)  // delivered to the source below instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: body)
            source.resume()
            sources.append(source)
        }
    }
}
