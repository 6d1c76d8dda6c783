import Glibc
import ToolHostCore

/// BM25 over the catalogue, in memory: a tool's id and name, tags, description and input
/// fields are fields of one document, each word counted with its field's weight (BM25F with one
/// length normalisation), so a word in a tool's name says more than the same word in one of its
/// parameters.
///
/// The catalogue is small (hundreds of tools, a few KiB of words each), so the index is built
/// per search in well under a millisecond per tool; nothing to keep in step with the files.
struct TextRanking {
    /// BM25's term-frequency saturation and length normalisation (the usual values).
    static let k1 = 1.2
    static let b = 0.75

    /// How much a word counts in each field of a tool.
    enum Field: Double, CaseIterable {
        case name = 3
        case tags = 2
        case description = 1.5
        case inputs = 0.5
    }

    /// A tool's weighted stem counts and its weighted length.
    struct Document {
        let id: String
        var frequencies: [String: Double] = [:]
        var length = 0.0
    }

    let documents: [Document]
    private let averageLength: Double

    init(tools: [ToolDefinition]) {
        var documents: [Document] = []
        for tool in tools {
            var document = Document(id: tool.id)
            for (field, text) in Self.fields(of: tool) {
                for stem in SearchTerms.stems(text) {
                    document.frequencies[stem, default: 0] += field.rawValue
                    document.length += field.rawValue
                }
            }
            documents.append(document)
        }
        self.documents = documents
        averageLength = documents.isEmpty ? 1 : max(documents.map(\.length).reduce(0, +) / Double(documents.count), 1)
    }

    /// The texts of a tool's fields. The id and the name are one field: most ids are the name
    /// in snake case, and counting both would double the name's weight for those tools only.
    static func fields(of tool: ToolDefinition) -> [(Field, String)] {
        let nameStems = Set(SearchTerms.stems(tool.id))
        let extraName = SearchTerms.words(tool.name).filter { !nameStems.contains(SearchTerms.stem($0)) }
        return [
            (.name, ([tool.id] + extraName).joined(separator: " ")),
            (.tags, tool.tags.joined(separator: " ")),
            (.description, tool.description),
            (.inputs, ToolDiscovery.inputText(of: tool)),
        ]
    }

    /// Tool ids with a positive score for `query`, best first (ties by id).
    ///
    /// Each word of the query is one term together with its synonyms (as Lucene's
    /// `SynonymQuery` blends them): their weighted counts add up in a document, and the term's
    /// rarity is that of the documents holding any of them. A document that has the word and a
    /// synonym of it is not counted twice over, and a common word does not become rare through
    /// a rare synonym.
    func rank(_ query: String) -> [(id: String, score: Double)] {
        var seen = Set<String>()
        let terms = SearchTerms.stems(query).filter { seen.insert($0).inserted }.map(SearchSynonyms.group(of:))
        guard !terms.isEmpty, !documents.isEmpty else { return [] }
        let count = Double(documents.count)
        var scores = [Double](repeating: 0, count: documents.count)
        for term in terms {
            var frequencies = [Double](repeating: 0, count: documents.count)
            var holding = 0
            for (index, document) in documents.enumerated() {
                for (stem, weight) in term { frequencies[index] += weight * (document.frequencies[stem] ?? 0) }
                if frequencies[index] > 0 { holding += 1 }
            }
            guard holding > 0 else { continue }
            let idf = Glibc.log((count - Double(holding) + 0.5) / (Double(holding) + 0.5) + 1)
            for (index, frequency) in frequencies.enumerated() where frequency > 0 {
                let norm = Self.k1 * (1 - Self.b + Self.b * documents[index].length / averageLength)
                scores[index] += idf * frequency * (Self.k1 + 1) / (frequency + norm)
            }
        }
        return zip(documents, scores).filter { $0.1 > 0 }.map { ($0.0.id, $0.1) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }
}
