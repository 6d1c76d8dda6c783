import Synchronization
import ToolHostCore

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
            open = FileIO.writeAll(bytes, to: descriptor)  // false: EPIPE, nobody reads the answers
            return open
        }
    }
}
