#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// SIGTERM and SIGINT for every front end: instead of dying with calls half done and
/// recordings queued, the server runs `body` (stop reading or accepting, then
/// `ServiceHost.beginShutdown`: the calls in flight end within the grace period, their
/// recordings are written, and the server exits).
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
