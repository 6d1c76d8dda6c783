import Synchronization
import ToolHostCore

/// One call's plugin stderr, cut into whole lines before it reaches the server's log: a
/// partial line is held until its newline (or the call's end), so two plugins writing at once
/// never interleave mid-line, and every line carries the call's tool and request id.
///
/// A line longer than `maxLineBytes` is written in pieces of that size: a plugin that never
/// writes a newline cannot make the server hold its output without bound.
final class PluginStderrLines: Sendable {
    static let maxLineBytes = 8192

    private let log: ServiceLog
    private let tool: String
    private let requestID: String
    private let pending = Mutex<[UInt8]>([])

    init(log: ServiceLog, tool: String, requestID: String) {
        self.log = log
        self.tool = tool
        self.requestID = requestID
    }

    /// The observer to give the call (`ToolInvoker.Options.stderrObserver`).
    var observer: @Sendable (ArraySlice<UInt8>) -> Void {
        { [self] chunk in feed(chunk) }
    }

    func feed(_ chunk: ArraySlice<UInt8>) {
        // Lines are written under the buffer's lock: a call's own lines stay in order even if
        // its chunks arrive on two threads.
        pending.withLock { buffer in
            var rest = chunk[...]
            while let newline = rest.firstIndex(of: 0x0A) {
                let piece = rest[rest.startIndex..<newline]
                if buffer.isEmpty {
                    emit(piece)
                } else {
                    buffer.append(contentsOf: piece)
                    emit(buffer[...])
                    buffer.removeAll(keepingCapacity: true)
                }
                rest = rest[(newline + 1)...]
            }
            buffer.append(contentsOf: rest)
            while buffer.count >= Self.maxLineBytes {
                emit(buffer[..<Self.maxLineBytes])
                buffer.removeFirst(Self.maxLineBytes)
            }
        }
    }

    /// The call has ended: a last line without its newline is written now.
    func finish() {
        pending.withLock { buffer in
            guard !buffer.isEmpty else { return }
            emit(buffer[...])
            buffer.removeAll()
        }
    }

    private func emit(_ line: ArraySlice<UInt8>) {
        // A CRLF plugin's carriage return would end up inside the tagged line.
        var text = line.last == 0x0D ? line.dropLast() : line
        repeat {
            log.pluginLine(tool: tool, requestID: requestID, text.prefix(Self.maxLineBytes))
            text = text.dropFirst(Self.maxLineBytes)
        } while !text.isEmpty
    }
}
