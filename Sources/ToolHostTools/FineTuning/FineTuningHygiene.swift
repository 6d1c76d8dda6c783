import ToolHostCore

/// What every fine-tuning export (conversations' openai-chat and openai-preference, llm_calls)
/// takes beside its selection, by the same names everywhere: `scrub` (personal data and
/// secrets out, `training.export_scrub`), `deduplicate` (exact and near duplicates dropped), both
/// on by default, and `split` (a training share, two files).
public struct FineTuningHygiene: Sendable, Equatable {
    public var scrub = true
    public var deduplicate = true
    public var split: TrainingSplit?

    public init() {}

    /// From a tool's input (`scrub`, `deduplicate`, `split`).
    static func read(_ input: OperationInput) throws(ToolHostError) -> FineTuningHygiene {
        var hygiene = FineTuningHygiene()
        hygiene.scrub = try input.optionalBool("scrub") ?? true
        hygiene.deduplicate = try input.optionalBool("deduplicate") ?? true
        hygiene.split = try input.optionalNumber("split").map { (fraction) throws(ToolHostError) in try TrainingSplit(trainingFraction: fraction, key: "split") }
        return hygiene
    }

    /// From the command line's `--no-scrub`, `--keep-duplicates`, `--split`.
    public init(noScrub: Bool, keepDuplicates: Bool, split: Double?) throws(ToolHostError) {
        scrub = !noScrub
        deduplicate = !keepDuplicates
        self.split = try split.map { (fraction) throws(ToolHostError) in try TrainingSplit(trainingFraction: fraction, key: "--split") }
    }

    /// The writer's options, scrubbing with the configured detectors.
    func writerOptions(_ config: HostConfig) -> FineTuningFileWriter.Options {
        var options = FineTuningFileWriter.Options(scrub: scrub ? config.training.exportScrub : nil)
        options.deduplicate = deduplicate
        options.split = split
        return options
    }
}
