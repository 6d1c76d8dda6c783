/// The audit log (`audit:` in config): every call and refusal, hash-chained, in the database's
/// `toolhost_audit_log` table and, when `audit.file` names one, in a JSONL file too.
public struct AuditSettings: Sendable, Equatable {
    public var isEnabled = false
    /// Entries in the `toolhost_audit_log` table (default on).
    public var usesTable = true
    /// A JSONL copy of the chain (none by default).
    public var file: String?
    /// Inputs and outputs in each entry too (after the `training.redact` detectors).
    public var recordsIO = false
    /// fsync the file after each append: an entry survives a power cut, at a few ms per call.
    /// (The table is as durable as the database's own commits.)
    public var syncsEachEntry = false

    public init() {}
}
