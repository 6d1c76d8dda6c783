import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

/// `toolhost export check FILE...`: each file against the fine-tuning formats' rules
/// (`FineTuningFileCheck`), a summary per file, and the exit status 1 when any has an error.
enum ExportCheck {
    static func run(_ files: [String], json: Bool, maxTokens: Int?) throws(ToolHostError) -> Int32 {
        guard !files.isEmpty else {
            throw ToolHostError(.invalidInput, "export check needs the files to check: toolhost export check FILE...")
        }
        var options = FineTuningFileCheck.Options()
        if let maxTokens { options.maxTokensPerExample = maxTokens }
        var valid = true
        for file in files {
            let summary = try FineTuningFileCheck.check(file: file, options: options)
            valid = valid && summary.isValid
            if json {
                var object = summary.json.objectValue ?? [:]
                object["file"] = .string(file)
                Console.printJSON(.object(object))
            } else {
                Console.print(text(of: summary, file: file))
            }
        }
        return valid ? 0 : 1
    }

    /// `line 12: code: message`, or `file: …` for the file as a whole.
    static func line(of problem: FineTuningFileCheck.Problem) -> String {
        "\(problem.line == 0 ? "file" : "line \(problem.line)"): \(problem.code): \(problem.message)"
    }

    /// A few lines a person reads: the verdict and counts first, then the problems found.
    static func text(of summary: FineTuningFileCheck.Summary, file: String) -> String {
        let verdict = summary.isValid ? "ok" : "\(summary.errorCount) error\(summary.errorCount == 1 ? "" : "s")"
        var lines = ["\(file): \(verdict) — \(summary.examples) example\(summary.examples == 1 ? "" : "s") "
            + "(\(summary.chat) chat, \(summary.withTools) with tools, \(summary.preference) preference), "
            + "\(summary.warningCount) warning\(summary.warningCount == 1 ? "" : "s")"]
        let mean = summary.examples == 0 ? 0 : summary.tokens / summary.examples
        lines.append("  tokens (estimated): \(summary.tokens) in all, \(mean) per example on average, at most \(summary.maxTokens)"
            + (summary.overLimit > 0 ? ", \(summary.overLimit) over the limit" : ""))
        if summary.duplicates > 0 { lines.append("  duplicates: \(summary.duplicates)") }
        for (kind, problems, count) in [("error", summary.errors, summary.errorCount), ("warning", summary.warnings, summary.warningCount)] {
            for problem in problems { lines.append("  \(kind): \(line(of: problem))") }
            if count > problems.count { lines.append("  … and \(count - problems.count) more \(kind)s (--json counts them by code)") }
        }
        return lines.joined(separator: "\n")
    }
}
