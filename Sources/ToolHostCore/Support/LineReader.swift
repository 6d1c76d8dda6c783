#if canImport(Glibc)
import Glibc
#endif

/// Splits a descriptor's bytes into lines without holding more than one line (plus one read).
public struct LineReader: Sendable {
    public enum Line: Sendable {
        case line([UInt8])
        /// A line longer than the limit: its length so far; the rest of it is skipped.
        case tooLong(Int)
    }

    let descriptor: Int32
    let maxLineBytes: Int
    private var buffer: [UInt8] = []
    /// Where the next line starts, and how far the buffer is known to hold no newline.
    private var start = 0
    private var searched = 0
    private var atEnd = false
    /// Inside a line that was too long: drop bytes until its newline.
    private var skipping = false

    public init(descriptor: Int32, maxLineBytes: Int) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
    }

    /// The next line without its newline; nil at end of input.
    public mutating func nextLine() -> Line? {
        while true {
            if let newline = buffer[max(start, searched)...].firstIndex(of: 0x0A) {
                let length = newline - start
                let line = skipping || length > maxLineBytes ? [] : Array(buffer[start..<newline])
                start = newline + 1
                searched = start
                if skipping {
                    skipping = false
                    continue
                }
                return length > maxLineBytes ? .tooLong(length) : .line(line)
            }
            searched = buffer.count
            if !skipping, buffer.count - start > maxLineBytes {
                skipping = true
                let length = buffer.count - start
                start = buffer.count
                return .tooLong(length)
            }
            if skipping { start = buffer.count }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return .line(line)
            }
            if start > 0 {
                buffer.removeFirst(start)
                searched -= start
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                atEnd = true
            }
        }
    }
}
