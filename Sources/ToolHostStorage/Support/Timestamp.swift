#if canImport(Glibc)
import Glibc
#endif

/// ISO-8601 timestamps in UTC, the one spelling ToolHost answers with (`2026-11-22T08:20:11.123456Z`)
/// and the one it stores on SQLite, where text order must be time order.
public struct Timestamp: Sendable, Equatable, Comparable {
    /// Seconds since the epoch and the microseconds within that second.
    public let seconds: Int64
    public let microseconds: Int32

    public init(seconds: Int64, microseconds: Int32 = 0) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// 0001-01-01T00:00:00Z, the earliest time ISO-8601 (and PostgreSQL) spells plainly.
    static let earliestSeconds: Int64 = -62_135_596_800

    public static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(seconds: Int64(time.tv_sec), microseconds: Int32(time.tv_nsec / 1000))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.microseconds) < (rhs.seconds, rhs.microseconds)
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ` (fraction only when non-zero).
    public var iso8601: String { format(alwaysFraction: false) }

    /// The fixed-width spelling SQLite columns hold (always 6 fraction digits), so that text
    /// comparison is time comparison.
    public var storageText: String { format(alwaysFraction: true) }

    /// Appends the `iso8601` spelling to `bytes` (exports write one per row).
    public func appendISO8601(to bytes: inout [UInt8]) { append(alwaysFraction: false, to: &bytes) }

    private func format(alwaysFraction: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(28)
        append(alwaysFraction: alwaysFraction, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Written digit by digit: bulk ingest formats one per row.
    private func append(alwaysFraction: Bool, to bytes: inout [UInt8]) {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(48 + rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        bytes.append(45)
        digits(Int(parts.tm_mon) + 1, 2)
        bytes.append(45)
        digits(Int(parts.tm_mday), 2)
        bytes.append(84)
        digits(Int(parts.tm_hour), 2)
        bytes.append(58)
        digits(Int(parts.tm_min), 2)
        bytes.append(58)
        digits(Int(parts.tm_sec), 2)
        if alwaysFraction || microseconds != 0 {
            bytes.append(46)
            digits(Int(microseconds), 6)
        }
        bytes.append(90)
    }

    /// Reads ISO-8601 and the PostgreSQL/SQLite text forms: `2026-11-22`, `2026-11-22T08:20`,
    /// `2026-11-22 08:20:11.5`, `...Z`, `...+02:00`, `...+02`. Without an offset the time is UTC.
    public init?(parsing text: String) {
        var text = text
        guard let timestamp = text.withUTF8({ Timestamp(parsingUTF8: $0) }) else { return nil }
        self = timestamp
    }

    /// `init(parsing:)` on UTF-8 bytes, without making a `String` of them.
    public init?(parsingUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, micro = 0, offsetSeconds = 0
        if index < bytes.count, bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32 {  // T t space
            index += 1
            guard let h = number(2), expect(58), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if expect(58) {
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if expect(46) || expect(44) {  // . or ,
                    var digits = 0
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        if digits < 6 { micro = micro * 10 + Int(bytes[index] - 48) }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    if digits < 6 { for _ in digits..<6 { micro *= 10 } }
                }
            }
            if index < bytes.count {
                let sign = bytes[index]
                if sign == 90 || sign == 122 {  // Z z
                    index += 1
                } else if sign == 43 || sign == 45 {  // + -
                    index += 1
                    guard let offsetHours = number(2) else { return nil }
                    var offsetMinutes = 0
                    if expect(58) {
                        guard let value = number(2) else { return nil }
                        offsetMinutes = value
                    } else if let value = number(2) {
                        offsetMinutes = value
                    }
                    offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (sign == 45 ? -1 : 1)
                }
            }
        }
        guard index == bytes.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let utc = Int64(timegm(&parts))
        // timegm rolls 2024-02-30 over into March; a date that does not exist is refused, as
        // PostgreSQL refuses it.
        var time = time_t(utc)
        var check = tm()
        gmtime_r(&time, &check)
        guard year >= 1, check.tm_mday == Int32(day), check.tm_mon == Int32(month - 1) else { return nil }
        self.init(seconds: utc - Int64(offsetSeconds), microseconds: Int32(micro))
    }
}

extension Timestamp {
    /// A date as people write it on a command line: `2024-01-31`, any form `init(parsing:)`
    /// reads, or a span before now — `7d`, `12h`, `30m`, `45s`, `2w`.
    public init?(expression text: String, now: Timestamp = .now()) {
        if let parsed = Timestamp(parsing: text) {
            self = parsed
            return
        }
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else { return nil }
        let unitSeconds: Int64
        switch unit {
        case "s": unitSeconds = 1
        case "m": unitSeconds = 60
        case "h": unitSeconds = 3600
        case "d": unitSeconds = 86_400
        case "w": unitSeconds = 604_800
        default: return nil
        }
        // A span reaching before year 1 has no ISO-8601 spelling (and `9999999999999d` must
        // not overflow): such a span is not understood.
        let (seconds, overflow) = amount.multipliedReportingOverflow(by: unitSeconds)
        guard !overflow, seconds <= now.seconds - Self.earliestSeconds else { return nil }
        self.init(seconds: now.seconds - seconds, microseconds: now.microseconds)
    }
}
