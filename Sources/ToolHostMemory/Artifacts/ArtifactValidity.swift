import ToolHostCore
import ToolHostStorage

/// When an artifact's fact holds, in valid time (when it is true, not when it was recorded):
/// from `start` (the artifact's `valid_from`, else its `created_at`) until `end` (its
/// `valid_to`, none when open), and not after an artifact that `supersedes` it starts.
///
/// Supersession is not stored on the older artifact: it is read from the newer one's
/// `supersedes` wherever a search looks (the entries of a collection, the bulk rows). So an id
/// may be superseded before it is stored, a chain `a → b → c` ends each link where the next
/// starts, storing the older artifact again leaves it superseded, and deleting the newer one
/// makes the older current again (the correction is gone, so what it corrected holds again).
///
/// The vector indexes keep the bounds as integer microseconds since the epoch
/// (`valid_from_us`, `valid_to_us`): a search compares them for every row it scans, and a
/// million rows are read faster as numbers than parsed as timestamps.
public struct ArtifactValidity: Sendable, Equatable {
    /// Microseconds since the epoch; nil: no lower bound (entries indexed before validity existed
    /// and whose document has no `created_at`).
    public let start: Int64?
    /// Microseconds since the epoch, excluded; nil: open.
    public let end: Int64?
    public let supersedes: String?

    public init(_ artifact: Artifact) {
        self.init(start: Self.microseconds(artifact.validFrom ?? artifact.createdAt), end: artifact.validTo.map(Self.microseconds),
                  supersedes: artifact.supersedes)
    }

    /// From an index entry's document (`Artifact.document`); a document without `created_at`
    /// (not written by ToolHost) has no start.
    public init(document: JSONObject) {
        guard let artifact = Artifact(document: document) else {
            self.init(start: nil, end: nil, supersedes: nil)
            return
        }
        self.init(artifact)
        if document["created_at"]?.stringValue == nil, artifact.validFrom == nil { self = Self(start: nil, end: end, supersedes: supersedes) }
    }

    private init(start: Int64?, end: Int64?, supersedes: String?) {
        self.start = start
        self.end = end
        self.supersedes = supersedes
    }

    public static func microseconds(_ timestamp: Timestamp) -> Int64 {
        timestamp.seconds * 1_000_000 + Int64(timestamp.microseconds)
    }

    /// Rows of (supersedes, artifact_id) as id → the ids of the artifacts superseding it.
    static func supersessors(_ rows: [JSONObject]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for row in rows {
            if let older = row["supersedes"]?.stringValue, let newer = row["artifact_id"]?.stringValue { result[older, default: []].append(newer) }
        }
        return result
    }
}

/// Which artifacts a search returns by their validity: those valid at a time (now by default,
/// an earlier time with `as_of`), or every one.
public enum ValidityFilter: Sendable, Equatable {
    case validAt(Timestamp)
    case everything

    public static var current: ValidityFilter { .validAt(.now()) }

    /// The time searched, in microseconds; nil for `everything`.
    public var instant: Int64? {
        switch self {
        case .validAt(let time): ArtifactValidity.microseconds(time)
        case .everything: nil
        }
    }
}
