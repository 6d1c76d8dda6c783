/// The audit log (`audit:` in config): a hash-chained JSONL file of every call and refusal.
public struct AuditSettings: Sendable, Equatable {
    public var isEnabled = false
    /// Default: `audit.jsonl` in the data directory.
    public var file: String
    /// Inputs and outputs in each entry too (after the `training.redact` detectors).
    public var recordsIO = false
    /// fsync after each entry: an entry survives a power cut, at a few ms per call.
    public var syncsEachEntry = false

    public init(file: String) { self.file = file }
}
