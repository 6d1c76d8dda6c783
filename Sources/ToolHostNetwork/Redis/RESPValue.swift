/// A Redis reply in the RESP2 protocol.
public enum RESPValue: Sendable, Equatable {
    case simple(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8]?)
    case array([RESPValue]?)

    public var text: String? {
        switch self {
        case .simple(let text): text
        case .bulk(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    public var elements: [RESPValue]? {
        if case .array(let elements?) = self { elements } else { nil }
    }
}

/// Reads RESP2 replies from a byte buffer as they arrive: `parse` returns nil until a whole
/// reply is there, so partial socket reads are simply retried with more bytes.
struct RESPParser {
    private(set) var buffer: [UInt8] = []
    private var start = 0
    /// The buffer size the last incomplete reply needs at least (a bulk string's announced
    /// end): no reparse before that many bytes are in, so a large reply arriving in many reads
    /// is not rescanned from its start on each one.
    private var needed = 0

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete reply, or nil if more bytes are needed. Throws on malformed input.
    mutating func next() throws(RedisError) -> RESPValue? {
        guard buffer.count >= needed else { return nil }
        var index = start
        guard let value = try parse(at: &index) else { return nil }
        needed = 0
        start = index
        if start > 65536 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        return value
    }

    private mutating func parse(at index: inout Int) throws(RedisError) -> RESPValue? {
        guard index < buffer.count else { return nil }
        let kind = buffer[index]
        guard let lineEnd = lineEnd(from: index + 1) else { return nil }
        let line = String(decoding: buffer[(index + 1)..<lineEnd], as: UTF8.self)
        var next = lineEnd + 2
        switch kind {
        case UInt8(ascii: "+"):
            index = next
            return .simple(line)
        case UInt8(ascii: "-"):
            index = next
            return .error(line)
        case UInt8(ascii: ":"):
            guard let integer = Int64(line) else { throw RedisError.protocolError("bad integer reply \(line)") }
            index = next
            return .integer(integer)
        case UInt8(ascii: "$"):
            guard let length = Int(line) else { throw RedisError.protocolError("bad bulk length \(line)") }
            if length < 0 {
                index = next
                return .bulk(nil)
            }
            guard next + length + 2 <= buffer.count else {
                needed = next + length + 2
                return nil
            }
            let bytes = Array(buffer[next..<(next + length)])
            index = next + length + 2
            return .bulk(bytes)
        case UInt8(ascii: "*"):
            guard let count = Int(line) else { throw RedisError.protocolError("bad array length \(line)") }
            if count < 0 {
                index = next
                return .array(nil)
            }
            var elements: [RESPValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                guard let element = try parse(at: &next) else { return nil }
                elements.append(element)
            }
            index = next
            return .array(elements)
        default:
            throw RedisError.protocolError("unexpected reply type byte \(kind)")
        }
    }

    private func lineEnd(from index: Int) -> Int? {
        var position = index
        while position + 1 < buffer.count {
            if buffer[position] == 0x0D, buffer[position + 1] == 0x0A { return position }
            position += 1
        }
        return nil
    }

    /// A command as RESP: an array of bulk strings.
    static func encode(_ arguments: [[UInt8]]) -> [UInt8] {
        var output: [UInt8] = Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            output += Array("$\(argument.count)\r\n".utf8)
            output += argument
            output += [0x0D, 0x0A]
        }
        return output
    }
}
