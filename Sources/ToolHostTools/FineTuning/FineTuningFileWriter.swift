import ToolHostCore

/// Writes the examples of a fine-tuning export (openai-chat, openai-preference): each one
/// scrubbed (`ExampleScrubber`), dropped when it repeats an earlier one
/// (`ExampleDeduplicator`), and written to the training or the validation file by its record's
/// id (`TrainingSplit`); every file is atomic (`ExportWriter`) and checked line by line as a
/// fine-tuning job reads it (`FineTuningFileCheck`), stdout included.
final class FineTuningFileWriter {
    struct Options: Sendable {
        /// nil: nothing is scrubbed (`--no-scrub`).
        var scrub: RecordRedaction?
        var deduplicate = true
        /// nil: one file.
        var split: TrainingSplit?

        init(scrub: RecordRedaction?) { self.scrub = scrub }
    }

    private let options: Options
    private var scrubber: ExampleScrubber?
    private var deduplicator = ExampleDeduplicator()
    private let training: ExportWriter
    private let validation: ExportWriter?
    private(set) var files: [FineTuningFile]
    /// Each file checked line by line as it is written: what a job reading it would find.
    private var checks: [FineTuningFileCheck]
    /// What scrubbing replaced in the examples written (not in the duplicates dropped), by kind.
    private(set) var scrubbed = RecordRedaction.Counts()

    init(path: String, options: Options) throws(ToolHostError) {
        self.options = options
        scrubber = options.scrub.map(ExampleScrubber.init)
        if options.split != nil {
            guard path != "-" else {
                throw ToolHostError(.invalidInput, "A split export writes two files: name one with the output path (data.jsonl gives data.train.jsonl and data.validation.jsonl), not stdout.")
            }
            let paths = TrainingSplit.paths(for: path)
            training = try ExportWriter(path: paths.training)
            do {
                validation = try ExportWriter(path: paths.validation)
            } catch {
                training.abandon()
                throw error
            }
            files = [FineTuningFile(path: paths.training), FineTuningFile(path: paths.validation)]
            checks = [FineTuningFileCheck(), FineTuningFileCheck()]
        } else {
            training = try ExportWriter(path: path)
            validation = nil
            files = [FineTuningFile(path: path)]
            checks = [FineTuningFileCheck()]
        }
    }

    /// Writes `example` unless it repeats an earlier one; false when it was dropped.
    func write(_ example: JSONObject, id: Int64) throws(ToolHostError) -> Bool {
        let example = scrubber?.scrub(example) ?? example
        var bytes: [UInt8] = []
        JSONWriter.append(.object(example), to: &bytes)
        bytes.append(0x0A)
        if options.deduplicate, deduplicator.verdict(on: example, bytes: bytes) != .new { return false }
        if let found = scrubber?.counts { scrubbed.merge(found, uniquingKeysWith: +) }
        let toValidation = validation != nil && options.split?.isTraining(id: id) == false
        let file = toValidation ? 1 : 0
        try (toValidation ? validation ?? training : training).write(bytes)
        files[file].examples += 1
        checks[file].add(.object(example), bytes: bytes, line: files[file].examples)
        return true
    }

    var examples: Int { files.reduce(0) { $0 + $1.examples } }

    /// Puts the files in place, with the checks of what they hold.
    func finish() throws(ToolHostError) {
        try training.finish()
        try validation?.finish()
        files[0].bytes = training.bytesWritten
        if let validation { files[1].bytes = validation.bytesWritten }
        for index in files.indices { files[index].check = checks[index].finish() }
    }

    func abandon() {
        training.abandon()
        validation?.abandon()
    }

    var bytesWritten: Int { training.bytesWritten + (validation?.bytesWritten ?? 0) }

    /// What was taken out and dropped, for the export's answer: `scrubbed` (replacements by
    /// kind in what was written; absent with `--no-scrub`) and `duplicates_removed` (`exact`, `near`).
    var hygiene: JSONObject {
        var fields: JSONObject = [:]
        if scrubber != nil {
            fields["scrubbed"] = .object(JSONObject(scrubbed.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }))
        }
        if options.deduplicate {
            fields["duplicates_removed"] = ["exact": .int(deduplicator.exact), "near": .int(deduplicator.near)]
        }
        return fields
    }

    var duplicates: (exact: Int, near: Int) { (deduplicator.exact, deduplicator.near) }
}

/// One file a fine-tuning export wrote, with its examples and the check of what it holds.
public struct FineTuningFile: Sendable {
    public let path: String
    public internal(set) var examples = 0
    public internal(set) var bytes = 0
    public internal(set) var check: FineTuningFileCheck.Summary?
}

extension FineTuningFile {
    /// The answer's fields for the files of an export: `check` for one file (its verdict and
    /// counts), or `split.train` / `split.validation` with each file's path, count, bytes and check.
    static func answerFields(of files: [FineTuningFile]) -> JSONObject {
        guard files.count > 1 else { return files.first?.check.map { ["check": brief($0)] } ?? [:] }
        return ["split": .object(JSONObject(zip(["train", "validation"], files).map { name, file in
            (name, ["path": .string(file.path), "count": .int(file.examples), "bytes": .int(file.bytes), "check": file.check.map(brief) ?? .null])
        }))]
    }

    /// A check's verdict and counts, without the problems' list (`toolhost export check` has it).
    static func brief(_ check: FineTuningFileCheck.Summary) -> JSONValue {
        let json = check.json
        return ["valid": json["valid"] ?? .null, "error_count": json["error_count"] ?? .null,
                "warning_count": json["warning_count"] ?? .null, "codes": json["codes"] ?? .null,
                "tokens_estimated": json["tokens_estimated"] ?? .null]
    }
}
