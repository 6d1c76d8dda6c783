#if canImport(Glibc)
import Glibc
#endif

/// One calendar month in UTC: the span of one partition of a monthly-partitioned table.
///
/// ```swift
/// let month = PartitionMonth(containing: .now())   // 2026-12
/// month.suffix                                      // "y2026m12"
/// month.next.lowerBound                             // "2027-01-01 00:00:00+00"
/// ```
///
/// Bounds are spelled with an explicit `+00`, so a partition covers the same instants whatever
/// the session's `TimeZone` is.
public struct PartitionMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    /// 1 through 12.
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// The month `timestamp` falls in, in UTC.
    public init(containing timestamp: Timestamp) {
        var time = time_t(timestamp.seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        year = Int(parts.tm_year) + 1900
        month = Int(parts.tm_mon) + 1
    }

    /// Reads the suffix of a partition's name (`training_events_y2026m12` → 2026-12), nil for
    /// a name of another shape (the DEFAULT partition, a partition someone else made).
    public init?(partitionName name: String, of table: String) {
        let prefix = table + "_y"
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard rest.count == 7, rest.dropFirst(4).first == "m",
              let year = Int(rest.prefix(4)), let month = Int(rest.suffix(2)) else { return nil }
        self.init(year: year, month: month)
    }

    public static func < (lhs: PartitionMonth, rhs: PartitionMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    public var next: PartitionMonth { advanced(by: 1) }

    /// The month `count` months later (earlier when negative).
    public func advanced(by count: Int) -> PartitionMonth {
        let index = year * 12 + (month - 1) + count
        return PartitionMonth(uncheckedYear: index / 12, month: index % 12 + 1)
    }

    private init(uncheckedYear year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// The months from this one through `last`, in order (empty when `last` is earlier).
    public func through(_ last: PartitionMonth) -> [PartitionMonth] {
        var months: [PartitionMonth] = []
        var month = self
        while month <= last {
            months.append(month)
            month = month.next
        }
        return months
    }

    /// `y2026m12`: appended to the table's name to name the partition.
    public var suffix: String { "y\(Self.digits(year, 4))m\(Self.digits(month, 2))" }

    /// The first instant of the month, as a timestamp.
    public var start: Timestamp {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = 1
        return Timestamp(seconds: Int64(timegm(&parts)))
    }

    /// `2026-12-01 00:00:00+00`: the partition's FROM bound (a literal: DDL takes no parameters;
    /// it is made of two integers, never of input).
    public var lowerBound: String { "\(Self.digits(year, 4))-\(Self.digits(month, 2))-01 00:00:00+00" }

    /// The partition's TO bound: the next month's first instant (the range excludes it).
    public var upperBound: String { next.lowerBound }

    public var description: String { "\(Self.digits(year, 4))-\(Self.digits(month, 2))" }

    private static func digits(_ value: Int, _ count: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(count - text.count, 0)) + text
    }
}
