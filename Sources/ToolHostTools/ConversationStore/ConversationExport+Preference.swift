import ToolHostCore
import ToolHostStorage

extension ConversationExport {
    /// The conversations of a pass are read this many at a time by id.
    static let pairPassPage = 500

    /// `openai-preference`: the selection read once for its rated answers (`PreferencePairs`),
    /// then the conversations holding the pairs' answers read again for their text; each pair
    /// written (scrubbed, deduplicated, split by its prompt) in the
    /// order of its preferred answer. The conversations a written pair comes from are what the
    /// file stands for (and what marking marks).
    func writePairs(_ selection: ConversationSelection, documents: ConversationDocuments, rules: ChatExampleRules,
                    to writer: FineTuningFileWriter, tally: inout Tally) throws(ToolHostError) {
        var pairs = PreferencePairs()
        try documents.forEach(selection, encodeMessages: false) { (conversation) throws(ToolHostError) in
            pairs.collect(conversation.document, rules: rules)
        }
        let found = pairs.pairs
        let wanted = Set(found.flatMap { [$0.preferred.message, $0.rejected.message] })
        let wantedPrompts = Set(found.map(\.preferred.message))
        let holding = Set(found.flatMap { [$0.preferred.conversation, $0.rejected.conversation] }).sorted()
        var answers: [Int64: String] = [:]
        var prompts: [Int64: [JSONValue]] = [:]
        var totals: [Int64: JSONValue] = [:]
        for start in stride(from: 0, to: holding.count, by: Self.pairPassPage) {
            var page = ConversationSelection()
            page.ids = Array(holding[start..<min(start + Self.pairPassPage, holding.count)])
            try documents.forEach(page, encodeMessages: false) { (conversation) throws(ToolHostError) in
                PreferencePairs.texts(in: conversation.document, rules: rules, answers: wanted, prompts: wantedPrompts, into: &answers, prompts: &prompts)
                totals[conversation.id] = conversation.row["total_messages"] ?? .null
            }
        }
        var standsFor: Set<Int64> = []
        for pair in found {
            guard let prompt = prompts[pair.preferred.message], let preferred = answers[pair.preferred.message],
                  let rejected = answers[pair.rejected.message] else { continue }
            let example = PreferencePairs.example(prompt: prompt, preferred: preferred, rejected: rejected)
            // Split by the prompt: it stays on its side whatever answers it gets later.
            if try writer.write(example, id: Int64(truncatingIfNeeded: pair.preferred.prompt)) { tally.written += 1 }
            standsFor.formUnion([pair.preferred.conversation, pair.rejected.conversation])
        }
        tally.considered = standsFor.sorted().map { ($0, totals[$0] ?? .null) }
        tally.ratedAnswers = pairs.ratedAnswers
    }
}
