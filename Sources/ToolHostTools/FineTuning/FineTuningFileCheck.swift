#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore

/// A fine-tuning file checked line by line, as `toolhost export check FILE` and every export
/// in a training format run it (an export as it writes each line, `add(_:bytes:line:)`): each example against its format's rules
/// (`FineTuningExample`), the file against a job's (at least `minExamples` examples, no
/// example past `maxTokensPerExample`), with a token estimate per example and in all, and
/// duplicates counted. Read a line at a time: memory stays flat whatever the file's size
/// (but for 8 bytes per example, to count duplicates).
public struct FineTuningFileCheck: Sendable {
    public struct Options: Sendable {
        /// The longest example a job takes (tokens, estimated); 65,536 is OpenAI's current
        /// models' limit.
        public var maxTokensPerExample = 65_536
        /// Fewer examples than this and a job refuses the file (OpenAI: 10).
        public var minExamples = 10
        /// Problems kept with their line (all are counted).
        public var maxReported = 20
        /// The longest line read (longer is an error of its own).
        public var maxLineBytes = 64 << 20

        public init() {}
    }

    /// One finding, where it is.
    public struct Problem: Sendable, Equatable {
        /// 1-based; 0 for the file as a whole.
        public let line: Int
        public let code: String
        public let message: String

        public var json: JSONValue { ["line": .int(line), "code": .string(code), "message": .string(message)] }
    }

    public struct Summary: Sendable {
        public var examples = 0
        public var chat = 0
        public var preference = 0
        /// Examples with tools or tool calls.
        public var withTools = 0
        public var errorCount = 0
        public var warningCount = 0
        /// The first problems of each kind (`Options.maxReported`).
        public var errors: [Problem] = []
        public var warnings: [Problem] = []
        /// Counts by code, errors and warnings together.
        public var codes: [String: Int] = [:]
        public var tokens = 0
        public var maxTokens = 0
        public var overLimit = 0
        public var duplicates = 0

        public var isValid: Bool { errorCount == 0 }

        public var json: JSONValue {
            [
                "valid": .bool(isValid), "examples": .int(examples),
                "formats": ["chat": .int(chat), "preference": .int(preference), "with_tools": .int(withTools)],
                "tokens_estimated": ["total": .int(tokens), "max_per_example": .int(maxTokens),
                                     "mean_per_example": .int(examples == 0 ? 0 : tokens / examples), "over_limit": .int(overLimit)],
                "duplicates": .int(duplicates),
                "error_count": .int(errorCount), "warning_count": .int(warningCount),
                "codes": .object(JSONObject(codes.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                "errors": .array(errors.map(\.json)), "warnings": .array(warnings.map(\.json)),
            ]
        }
    }

    public let options: Options
    private(set) var summary = Summary()
    private var seen: Set<Int> = []

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Checks the file at `path`.
    public static func check(file path: String, options: Options = Options()) throws(ToolHostError) -> Summary {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ToolHostError(.ioError, "Cannot read \(path): \(String(cString: strerror(errno))).", details: ["path": .string(path)])
        }
        defer { close(descriptor) }
        var check = FineTuningFileCheck(options: options)
        var reader = LineReader(descriptor: descriptor, maxLineBytes: options.maxLineBytes)
        var number = 0
        while let line = reader.nextLine() {
            number += 1
            switch line {
            case .line(let bytes): check.add(bytes, line: number)
            case .tooLong(let length): check.report(error: true, line: number, code: "line_too_long", "The line is \(length) bytes, past the \(options.maxLineBytes) this check reads.")
            }
        }
        return check.finish()
    }

    /// Checks one line (`line`: its 1-based number). A blank line is skipped, as jobs skip it.
    public mutating func add(_ bytes: [UInt8], line: Int) {
        guard !bytes.isBlankJSONText else { return }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            count(bytes, line: line)
            report(error: true, line: line, code: "not_json", "The line is not JSON: \(error.message) (column \(error.column)).")
            return
        }
        add(value, bytes: bytes, line: line)
    }

    /// Checks an example an export is writing as `bytes` (`JSONWriter`'s text of `value`, which
    /// parses back to `value`): what reading the file back would find, without reading it.
    mutating func add(_ value: JSONValue, bytes: [UInt8], line: Int) {
        count(bytes, line: line)
        let example = FineTuningExample(value)
        switch example.format {
        case .chat?: summary.chat += 1
        case .preference?: summary.preference += 1
        case nil: break
        }
        if example.usesTools { summary.withTools += 1 }
        for finding in example.errors { report(error: true, line: line, code: finding.code, finding.message) }
        for finding in example.warnings { report(error: false, line: line, code: finding.code, finding.message) }
        summary.tokens += example.tokens
        summary.maxTokens = max(summary.maxTokens, example.tokens)
        if example.tokens > options.maxTokensPerExample {
            summary.overLimit += 1
            report(error: true, line: line, code: "too_many_tokens",
                   "The example has about \(example.tokens) tokens, past the \(options.maxTokensPerExample) a fine-tuning job takes.")
        }
    }

    /// Counts the example, and whether its line repeats an earlier one.
    private mutating func count(_ bytes: [UInt8], line: Int) {
        summary.examples += 1
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }  // one pass, not an element at a time
        if !seen.insert(hasher.finalize()).inserted {
            summary.duplicates += 1
            report(error: false, line: line, code: "duplicate_example", "The example repeats an earlier line exactly.")
        }
    }

    /// The summary, with the file's own findings (too few examples).
    public mutating func finish() -> Summary {
        if summary.examples < options.minExamples {
            report(error: summary.examples == 0, line: 0, code: "too_few_examples",
                   "The file has \(summary.examples) example\(summary.examples == 1 ? "" : "s"); fine-tuning jobs need at least \(options.minExamples).")
        }
        return summary
    }

    private mutating func report(error: Bool, line: Int, code: String, _ message: String) {
        summary.codes[code, default: 0] += 1
        let problem = Problem(line: line, code: code, message: message)
        if error {
            summary.errorCount += 1
            if summary.errors.count < options.maxReported { summary.errors.append(problem) }
        } else {
            summary.warningCount += 1
            if summary.warnings.count < options.maxReported { summary.warnings.append(problem) }
        }
    }
}
