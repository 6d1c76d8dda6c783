import ToolHostCore
import ToolHostNetwork

/// What `toolhost run` and the `toolhost serve` it hands a call to say to each other over the
/// hand-off socket: a kind byte, a 4-byte big-endian length, then that many bytes.
///
/// The caller sends `request` then `input`; the server answers `declined` (nothing ran: the
/// caller runs the call itself) or `accepted`, then what the caller must write (`stdout`,
/// `closeStdout`, `stderr`) in order, and `exit` last. Keeping the caller's own output as
/// bytes, rather than a JSON answer to be printed again, is what makes a handed-off call print
/// exactly what it would have printed in-process.
enum HandOffFrame: Equatable {
    /// The call, as `HandOffRequest` fields.
    case request([UInt8])
    /// The input exactly as the caller read it (parsed by the server, so that every error is the same).
    case input([UInt8])
    case declined(String)
    case accepted
    case stdout([UInt8])
    case closeStdout
    case stderr([UInt8])
    case exit(Int32)

    private var kind: UInt8 {
        switch self {
        case .request: UInt8(ascii: "Q")
        case .input: UInt8(ascii: "I")
        case .declined: UInt8(ascii: "D")
        case .accepted: UInt8(ascii: "A")
        case .stdout: UInt8(ascii: "O")
        case .closeStdout: UInt8(ascii: "C")
        case .stderr: UInt8(ascii: "E")
        case .exit: UInt8(ascii: "X")
        }
    }

    private var payload: [UInt8] {
        switch self {
        case .request(let bytes), .input(let bytes), .stdout(let bytes), .stderr(let bytes): bytes
        case .declined(let reason): Array(reason.utf8)
        case .accepted, .closeStdout: []
        case .exit(let code): withUnsafeBytes(of: UInt32(bitPattern: code).bigEndian) { Array($0) }
        }
    }

    var encoded: [UInt8] {
        let payload = payload
        var bytes = [kind]
        withUnsafeBytes(of: UInt32(payload.count).bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// Reads one frame off `buffer` when a whole one is there; throws on bytes that are no frame.
    static func take(from buffer: inout [UInt8]) throws(HandOffFailure) -> HandOffFrame? {
        guard buffer.count >= 5 else { return nil }
        let length = buffer[1..<5].reduce(0) { $0 << 8 | Int($1) }
        guard buffer.count >= 5 + length else { return nil }
        let payload = Array(buffer[5..<5 + length])
        let kind = buffer[0]
        buffer.removeFirst(5 + length)
        switch kind {
        case UInt8(ascii: "Q"): return .request(payload)
        case UInt8(ascii: "I"): return .input(payload)
        case UInt8(ascii: "D"): return .declined(String(decoding: payload, as: UTF8.self))
        case UInt8(ascii: "A"): return .accepted
        case UInt8(ascii: "O"): return .stdout(payload)
        case UInt8(ascii: "C"): return .closeStdout
        case UInt8(ascii: "E"): return .stderr(payload)
        case UInt8(ascii: "X") where payload.count == 4:
            return .exit(Int32(bitPattern: payload.reduce(0) { $0 << 8 | UInt32($1) }))
        default: throw HandOffFailure("an unknown frame (kind \(kind), \(length) bytes)")
        }
    }
}

/// Why a hand-off went wrong, as the end of a sentence.
struct HandOffFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Frames over one connection, in both directions.
final class HandOffChannel {
    private let stream: SocketStream
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(_ stream: SocketStream) { self.stream = stream }

    /// The caller has gone: the server reads end of file and cancels the call.
    func finishSending() { stream.finishSending() }

    func send(_ frame: HandOffFrame) throws(HandOffFailure) {
        do {
            try stream.send(frame.encoded)
        } catch {
            throw HandOffFailure(error.message)
        }
    }

    /// The next frame; nil when the peer closed the connection between frames. With a
    /// `timeoutSeconds` above 0, a peer silent that long fails.
    /// The next frame; nil at end of file. `wake` (a cancellation's descriptor) readable ends
    /// the wait with a failure.
    func receive(timeoutSeconds: Double = 0, wake: Int32? = nil) throws(HandOffFailure) -> HandOffFrame? {
        while true {
            if let frame = try HandOffFrame.take(from: &buffer) { return frame }
            let read: ArraySlice<UInt8>
            do {
                read = try stream.receive(into: &chunk, timeoutSeconds: timeoutSeconds, wake: wake)
            } catch {
                throw HandOffFailure(error.message)
            }
            if read.isEmpty {
                guard buffer.isEmpty else { throw HandOffFailure("the connection closed inside a frame") }
                return nil
            }
            buffer.append(contentsOf: read)
        }
    }
}
