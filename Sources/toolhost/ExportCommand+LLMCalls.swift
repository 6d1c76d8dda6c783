#if canImport(Glibc)
import Glibc
#endif
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

extension ExportCommand {
    /// `toolhost export llm_calls`: the recorded model calls, each with the tool calls it caused,
    /// as openai-chat tool-calling examples (`LLMCallExport`).
    func exportLLMCalls() throws {
        do throws(ToolHostError) {
            let config = try global.loadConfig()
            let others = [(minQuality != nil, "--min-quality"), (onlyUnexported, "--only-unexported"), (markExported, "--mark-exported"),
                          (trailingTurns != nil, "--trailing-turns"), (zeroWeightBelow != nil, "--zero-weight-below"),
                          (!filter.isEmpty, "--filter"), (columns != nil, "--columns")]
            if let option = others.first(where: { $0.0 })?.1 {
                throw ToolHostError(.invalidInput, "\(option) does not apply to llm_calls.")
            }
            if let format, format.lowercased() != "openai-chat" {
                throw ToolHostError(.invalidInput, "llm_calls are exported as openai-chat examples, not as \(format).")
            }
            var request = LLMCallExport.Request(output: out == "-" ? "-" : FilePath.absolute(out))
            request.since = since
            request.until = until
            request.limit = limit
            request.chat = try ChatExampleRules(systemPrompt: systemPrompt, systemMessage: systemPromptMode, trailingTurns: nil, zeroWeightBelow: nil,
                                                names: ("--system-prompt-mode", "--trailing-turns", "--zero-weight-below"))
            request.hygiene = try FineTuningHygiene(noScrub: noScrub, keepDuplicates: keepDuplicates, split: split)
            if let linkWindow { request.linkWindowSeconds = linkWindow }
            request.catalogue = ToolsManager(config: config, handlers: BuiltinHandlers.registry).loadCatalogue()
            let summary = try LLMCallExport(config: config).run(request)
            let counts = summary.counts
            var line = "exported \(Count.grouped(summary.examples)) example\(summary.examples == 1 ? "" : "s") of \(Count.grouped(counts.modelCalls)) "
                + "model call\(counts.modelCalls == 1 ? "" : "s") (openai-chat) to \(out == "-" ? "stdout" : out) in \(Count.seconds(summary.seconds)); "
                + "\(Count.grouped(counts.withToolCalls)) with tool calls, \(Count.grouped(counts.linkedCalls)) call\(counts.linkedCalls == 1 ? "" : "s") linked"
            if counts.modelCallsLeftOut > 0 { line += ", \(Count.grouped(counts.modelCallsLeftOut)) failed or cut model calls left out" }
            if counts.failedLeftOut > 0 { line += ", \(Count.grouped(counts.failedLeftOut)) failed left out" }
            if counts.truncatedLeftOut > 0 { line += ", \(Count.grouped(counts.truncatedLeftOut)) with a cut input left out" }
            if counts.unlinked > 0 { line += ", \(Count.grouped(counts.unlinked)) not caused by a model call" }
            line += FineTuningExportReport.hygiene(duplicates: summary.duplicates, scrubbed: summary.scrubbed, files: summary.files)
            Console.print(line, to: STDERR_FILENO)
            for warning in summary.warnings { Console.print("warning: \(warning)", to: STDERR_FILENO) }
            FineTuningExportReport.printChecks(of: summary.files)
        } catch {
            throw Console.fail(error)
        }
    }
}
