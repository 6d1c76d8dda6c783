#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Writes whole lines to a descriptor from many threads: one lock per line, so answers never
/// interleave, and each line goes out at once (no buffer to flush before exit).
public final class LineWriter: Sendable {
    private let descriptor: Int32
    private let lock = Mutex<Bool>(true)  // false once the reader went away

    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// Writes `line` plus a newline; false when the other end is closed.
    @discardableResult
    public func write(_ line: [UInt8]) -> Bool {
        var bytes = line
        bytes.append(0x0A)
        return lock.withLock { open in
            guard open else { return false }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    open = false  // EPIPE: nobody reads the answers any more
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
