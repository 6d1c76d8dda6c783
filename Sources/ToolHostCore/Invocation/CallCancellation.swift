#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Lets a front end stop a call it no longer wants answered: an MCP client's
/// `notifications/cancelled`, an HTTP client that went away, a server shutting down.
///
/// A plugin run watches `wakeDescriptor` in its poll loop, so cancelling stops the plugin's
/// whole process group at once (SIGTERM, SIGKILL after the grace period) rather than at its
/// timeout. An in-process handler cannot be interrupted: its answer is discarded instead.
public final class CallCancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)
    /// A pipe whose read end becomes readable on cancellation (-1 each when pipe2 failed: the
    /// flag still works, the poll loop checks it every time it wakes).
    private let readEnd: Int32
    private let writeEnd: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)  // never inherited by a plugin
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
        } else {
            ends = [-1, -1]
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        if readEnd >= 0 { close(readEnd) }
        if writeEnd >= 0 { close(writeEnd) }
    }

    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Marks the call cancelled and wakes whoever polls `wakeDescriptor`; later calls do nothing.
    public func cancel() {
        guard !cancelled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        guard writeEnd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Readable once `cancel()` ran; nil when no pipe could be made.
    public var wakeDescriptor: Int32? { readEnd >= 0 ? readEnd : nil }
}

extension ErrorCode {
    /// The caller cancelled the call before it finished.
    public static let cancelled = ErrorCode("cancelled")
}
