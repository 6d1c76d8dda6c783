#if canImport(Glibc)
import Glibc
#endif

/// A detached pthread of our own: for work that blocks (a worker running plugins, a thread
/// waiting for signals), where Swift's cooperative pool must not be tied up.
public enum DetachedThread {
    /// Starts a thread running `body`; false when the system could not make one.
    @discardableResult
    public static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 8 * 1024 * 1024)  // handlers recurse through JSON
        let result = pthread_create(&thread, &attributes, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        pthread_attr_destroy(&attributes)
        if result != 0 { Unmanaged<Box>.fromOpaque(box).release() }
        return result == 0
    }
}
