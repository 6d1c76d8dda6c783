#if canImport(Glibc)
import Glibc
#endif
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

/// What every fine-tuning export (conversations, llm_calls) says after its first summary words:
/// duplicates dropped, what scrubbing replaced, the files of a split, and each file's check.
enum FineTuningExportReport {
    /// `; 2 duplicates dropped (1 exact, 1 near); scrubbed 2 email; 9 training in …, 1 validation in …`.
    static func hygiene(duplicates: (exact: Int, near: Int), scrubbed: RecordRedaction.Counts, files: [FineTuningFile]) -> String {
        var line = ""
        let dropped = duplicates.exact + duplicates.near
        if dropped > 0 {
            line += "; \(Count.grouped(dropped)) duplicate\(dropped == 1 ? "" : "s") dropped "
                + "(\(Count.grouped(duplicates.exact)) exact, \(Count.grouped(duplicates.near)) near)"
        }
        if !scrubbed.isEmpty {
            line += "; scrubbed " + scrubbed.sorted { $0.key < $1.key }.map { "\(Count.grouped($0.value)) \($0.key)" }.joined(separator: ", ")
        }
        if files.count > 1 {
            line += "; " + zip(["training", "validation"], files).map { "\(Count.grouped($1.examples)) \($0) in \($1.path)" }.joined(separator: ", ")
        }
        return line
    }

    /// Each file's check in a line (named when there are several), with its problems, which
    /// would be a bug of the export: `toolhost export check FILE` shows them all.
    static func printChecks(of files: [FineTuningFile]) {
        let checked = files.compactMap { file in file.check.map { (file.path, $0) } }
        for (path, check) in checked {
            // One file's too_few_examples is the export's own warning; a split's files say theirs.
            let said = checked.count == 1 && check.warnings.contains { $0.code == "too_few_examples" }
            let others = said ? check.warnings.filter { $0.code != "too_few_examples" } : check.warnings
            let warnings = check.warningCount - (said ? 1 : 0)
            let verdict = check.isValid ? "ok" : "\(check.errorCount) error\(check.errorCount == 1 ? "" : "s")"
            let name = checked.count > 1 ? " of \(path)" : ""
            Console.print("check\(name): \(verdict), \(warnings) warning\(warnings == 1 ? "" : "s"); about \(Count.grouped(check.tokens)) tokens "
                + "(at most \(Count.grouped(check.maxTokens)) an example)", to: STDERR_FILENO)
            for problem in check.errors + others { Console.print("  " + ExportCheck.line(of: problem), to: STDERR_FILENO) }
        }
    }
}
