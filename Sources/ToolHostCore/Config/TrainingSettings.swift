/// The training-data store: what the host records of its own calls, and how long rows stay.
public struct TrainingSettings: Sendable, Equatable {
    /// Every `toolhost run` stores a tool-execution row (tool, agent, input, output, outcome).
    public var recordInvocations = true
    /// Inputs and outputs longer than this (as JSON text) are stored cut, marked truncated.
    public var maxRecordedBytes = 65536
    /// `apply_retention` archives and deletes rows older than this many days; 0 keeps all.
    public var retentionDays = 0
    /// Where `apply_retention` writes its dated JSONL archives.
    public var archiveDirectory: String
    /// On PostgreSQL, `toolhost db maintain` and `apply_retention` keep a partition ready for the
    /// current month and this many after it, for the training tables partitioned by month.
    public var partitionMonthsAhead = 3
    /// What is taken out of recorded inputs, outputs and errors (`training.redact`,
    /// `training.redact_patterns`); credentials by default.
    public var redaction = RecordRedaction.standard
    /// What fine-tuning exports (openai-chat, openai-preference) take out of every example,
    /// unless asked not to (`--no-scrub`): `training.export_scrub` (every detector by default)
    /// and `training.export_scrub_patterns`.
    public var exportScrub = RecordRedaction.everything

    public init(archiveDirectory: String) { self.archiveDirectory = archiveDirectory }
}
