/// The validity of each row of a collection's resident vectors (`ResidentVectors`), kept
/// beside their ids, types and tags: where the row's fact starts, and where it ends — its own
/// `valid_to` or the start of the earliest entry that supersedes it, whichever comes first.
///
/// `everyRowValid(at:)` answers from two bounds kept at load for the common case (a search of
/// now, no row expired, superseded or not yet valid), so that case costs no per-row test.
struct RowValidity: Sendable {
    /// Microseconds since the epoch per row; `Int64.min` when unbounded.
    let starts: [Int64]
    /// Microseconds since the epoch per row, excluded; `Int64.max` when open.
    let ends: [Int64]
    private let latestStart: Int64
    private let earliestEnd: Int64

    /// `supersededAt` maps an artifact id to the start of the earliest entry superseding it.
    init(ids: [String], starts: [Int64], ends: [Int64], supersededAt: [String: Int64]) {
        var ends = ends
        if !supersededAt.isEmpty {
            for (row, id) in ids.enumerated() {
                if let cut = supersededAt[id], cut < ends[row] { ends[row] = cut }
            }
        }
        self.starts = starts
        self.ends = ends
        latestStart = starts.max() ?? Int64.min
        earliestEnd = ends.min() ?? Int64.max
    }

    /// No rows (a collection indexed before any validity was read).
    static let empty = RowValidity(ids: [], starts: [], ends: [], supersededAt: [:])

    /// Whether every row holds at `instant` (nil: every row is wanted).
    func everyRowValid(at instant: Int64?) -> Bool {
        guard let instant else { return true }
        return latestStart <= instant && instant < earliestEnd
    }

    /// Whether `row` holds at `instant`.
    @inline(__always)
    func admits(_ row: Int, at instant: Int64) -> Bool {
        starts[row] <= instant && instant < ends[row]
    }
}
