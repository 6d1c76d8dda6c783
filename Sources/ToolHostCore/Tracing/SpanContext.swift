/// Which trace a span belongs to and which span it is, as W3C Trace Context carries it between
/// processes: the `traceparent` header (HTTP), `params._meta.traceparent` (MCP) and the
/// `TRACEPARENT` environment variable (plugins, and `toolhost run` started by a traced caller).
///
/// ```swift
/// let parent = SpanContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
/// parent?.traceparent   // the same text back
/// ```
public struct SpanContext: Sendable, Hashable {
    /// 16 bytes, never all zero: the high and low halves, big-endian.
    public let traceIDHigh: UInt64
    public let traceIDLow: UInt64
    /// 8 bytes, never zero.
    public let spanID: UInt64
    /// Whether the trace is being recorded (the `sampled` flag): a span whose parent is not
    /// sampled is not exported either, but its context still travels on.
    public let isSampled: Bool
    /// The vendors' `tracestate` list, passed on as it came.
    public let traceState: String?

    public init(traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, isSampled: Bool, traceState: String? = nil) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.isSampled = isSampled
        self.traceState = traceState
    }

    /// Reads a `traceparent` (`version-traceid-spanid-flags`, lower-case hex). Nil for anything
    /// the W3C rules say to ignore: a wrong length or character, an all-zero id, version `ff`,
    /// or a version-00 value with more after the flags. A later version is read by its first
    /// four fields, as the specification asks. `tracestate` is kept only with a valid parent.
    public init?(traceparent: String, tracestate: String? = nil) {
        let bytes = Array(traceparent.utf8)
        guard bytes.count >= 55, bytes[2] == 0x2D, bytes[35] == 0x2D, bytes[52] == 0x2D,
              let version = Self.hex(bytes[0..<2]), version != 0xFF,
              let high = Self.hex(bytes[3..<19]), let low = Self.hex(bytes[19..<35]),
              let span = Self.hex(bytes[36..<52]), let flags = Self.hex(bytes[53..<55]),
              high | low != 0, span != 0 else { return nil }
        if version == 0, bytes.count != 55 { return nil }
        if version != 0, bytes.count > 55, bytes[55] != 0x2D { return nil }
        let state = tracestate.map { $0.trimmingSpaces }
        self.init(traceIDHigh: high, traceIDLow: low, spanID: span, isSampled: flags & 1 == 1,
                  traceState: state.flatMap { $0.isEmpty || $0.utf8.count > Self.maxTraceStateBytes ? nil : $0 })
    }

    /// The W3C limit of a `tracestate` value (32 members of at most 256 bytes, and commas);
    /// a longer one is dropped rather than passed on.
    static let maxTraceStateBytes = 8_223

    /// The `traceparent` text of this context (version 00).
    public var traceparent: String {
        "00-" + Self.hexText(traceIDHigh) + Self.hexText(traceIDLow) + "-" + Self.hexText(spanID) + (isSampled ? "-01" : "-00")
    }

    /// The trace id as 32 hex digits, as tracing back ends show it.
    public var traceIDText: String { Self.hexText(traceIDHigh) + Self.hexText(traceIDLow) }

    /// The span id as 16 hex digits.
    public var spanIDText: String { Self.hexText(spanID) }

    /// A child of this context: the same trace and sampling, a new span id.
    public func child() -> SpanContext {
        SpanContext(traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, spanID: Self.newSpanID(), isSampled: isSampled, traceState: traceState)
    }

    /// The first span of a new trace (sampled: ToolHost records every trace it starts).
    public static func newRoot() -> SpanContext {
        var random = SystemRandomNumberGenerator()
        var high: UInt64 = 0
        var low: UInt64 = 0
        while high | low == 0 { (high, low) = (random.next(), random.next()) }
        return SpanContext(traceIDHigh: high, traceIDLow: low, spanID: newSpanID(), isSampled: true)
    }

    static func newSpanID() -> UInt64 {
        var random = SystemRandomNumberGenerator()
        var id: UInt64 = 0
        while id == 0 { id = random.next() }
        return id
    }

    /// Lower-case hex only: W3C forbids upper case in `traceparent`.
    private static func hex(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case 0x30...0x39: nibble = digit - 0x30
            case 0x61...0x66: nibble = digit - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    private static func hexText(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0x30, count: 16)
        var rest = value
        for index in stride(from: 15, through: 0, by: -1) {
            text[index] = digits[Int(rest & 0xF)]
            rest >>= 4
        }
        return String(decoding: text, as: UTF8.self)
    }
}
