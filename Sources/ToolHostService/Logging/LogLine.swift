#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore

/// One log line being built, in the configured format: `key=value` pairs for text, one JSON
/// object for json. Keys come in the order they are added, after `ts`, `level` and `msg`, so
/// that the JSON keys are stable and the text reads the same way every time.
///
/// Built straight into bytes (no Foundation, no formatter): it runs once per call and request.
struct LogLine {
    private(set) var bytes: [UInt8] = []
    private let json: Bool
    private var first = true

    init(format: LogSettings.Format, level: LogSettings.Level, message: String, now: timespec = LogLine.wallClock()) {
        json = format == .json
        bytes.reserveCapacity(256)
        if json { bytes.append(UInt8(ascii: "{")) }
        add("ts", raw: Self.timestamp(now))
        add("level", level.rawValue)
        add("msg", message)
    }

    /// A string value: quoted in JSON; in text bare when it is one plain word, else quoted.
    mutating func add(_ key: String, _ value: String) {
        separator(key)
        if json {
            JSONWriter.append(.string(value), to: &bytes)
        } else if Self.isBare(value) {
            bytes.append(contentsOf: value.utf8)
        } else {
            JSONWriter.append(.string(value), to: &bytes)  // quoted, with escapes: still one line
        }
    }

    mutating func add(_ key: String, _ value: Int) {
        add(key, raw: String(value))
    }

    /// Milliseconds with three decimals (`12.345`), from seconds.
    mutating func add(_ key: String, milliseconds seconds: Double) {
        let micros = seconds.isFinite && seconds > 0 ? Int((seconds * 1_000_000).rounded()) : 0
        var text = String(micros / 1000) + "."
        let fraction = String(micros % 1000)
        text += String(repeating: "0", count: 3 - fraction.count) + fraction
        add(key, raw: text)
    }

    /// A number, written as it is in both formats.
    private mutating func add(_ key: String, raw: String) {
        separator(key)
        bytes.append(contentsOf: raw.utf8)
    }

    /// The timestamp: bare in text, a string in JSON.
    private mutating func add(_ key: String, raw timestamp: [UInt8]) {
        separator(key)
        if json { bytes.append(UInt8(ascii: "\"")) }
        bytes.append(contentsOf: timestamp)
        if json { bytes.append(UInt8(ascii: "\"")) }
    }

    private mutating func separator(_ key: String) {
        if !first { bytes.append(json ? UInt8(ascii: ",") : UInt8(ascii: " ")) }
        first = false
        if json {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: key.utf8)
            bytes.append(contentsOf: "\":".utf8)
        } else {
            bytes.append(contentsOf: key.utf8)
            bytes.append(UInt8(ascii: "="))
        }
    }

    /// The finished line, newline included.
    mutating func finished() -> [UInt8] {
        if json { bytes.append(UInt8(ascii: "}")) }
        bytes.append(0x0A)
        return bytes
    }

    /// Printable ASCII without spaces, quotes or `=`: safe to write unquoted in text.
    private static func isBare(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "=") }
    }

    static func wallClock() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-04T13:05:07.123Z`.
    static func timestamp(_ time: timespec) -> [UInt8] {
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); out.append(UInt8(ascii: "."))
        digits(Int(time.tv_nsec) / 1_000_000, 3); out.append(UInt8(ascii: "Z"))
        return out
    }
}
