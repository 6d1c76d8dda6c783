import ToolHostCore
import ToolHostStorage

extension ConversationExport {
    /// The conversations of a pass are read this many at a time by id.
    static let pairPassPage = 500

    /// `openai-preference`: the selection read once for its rated answers (`PreferencePairs`),
    /// then the conversations holding the pairs' answers read again for their text; each pair
    /// written (scrubbed, deduplicated, split by the preferred answer's conversation) in the
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
        let holding = Set(found.flatMap { [$0.preferred.conversation, $0.rejected.conversation] }).sorted()
        var texts: [Int64: (prompt: [JSONValue], answer: String)] = [:]
        var totals: [Int64: JSONValue] = [:]
        for start in stride(from: 0, to: holding.count, by: Self.pairPassPage) {
            var page = ConversationSelection()
            page.ids = Array(holding[start..<min(start + Self.pairPassPage, holding.count)])
            try documents.forEach(page, encodeMessages: false) { (conversation) throws(ToolHostError) in
                PreferencePairs.texts(in: conversation.document, rules: rules, wanted: wanted, into: &texts)
                totals[conversation.id] = conversation.row["total_messages"] ?? .null
            }
        }
        var standsFor: Set<Int64> = []
        for pair in found {
            guard let preferred = texts[pair.preferred.message], let rejected = texts[pair.rejected.message] else { continue }
            let example = PreferencePairs.example(prompt: preferred.prompt, preferred: preferred.answer, rejected: rejected.answer)
            if try writer.write(example, id: pair.preferred.conversation) { tally.written += 1 }
            standsFor.formUnion([pair.preferred.conversation, pair.rejected.conversation])
        }
        tally.considered = standsFor.sorted().map { ($0, totals[$0] ?? .null) }
        tally.ratedAnswers = pairs.ratedAnswers
    }
}
