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
    private let documentFrequency: [String: Int]
    private let averageLength: Double

    init(tools: [ToolDefinition]) {
        var documents: [Document] = []
        var documentFrequency: [String: Int] = [:]
        for tool in tools {
            var document = Document(id: tool.id)
            for (field, text) in Self.fields(of: tool) {
                for stem in SearchTerms.stems(text) {
                    document.frequencies[stem, default: 0] += field.rawValue
                    document.length += field.rawValue
                }
            }
            for stem in document.frequencies.keys { documentFrequency[stem, default: 0] += 1 }
            documents.append(document)
        }
        self.documents = documents
        self.documentFrequency = documentFrequency
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
    func rank(_ query: String) -> [(id: String, score: Double)] {
        let terms = SearchSynonyms.expanded(SearchTerms.stems(query))
        guard !terms.isEmpty else { return [] }
        let count = Double(documents.count)
        var scored: [(id: String, score: Double)] = []
        for document in documents {
            var score = 0.0
            for (term, weight) in terms {
                guard let frequency = document.frequencies[term], let seen = documentFrequency[term] else { continue }
                let idf = Glibc.log((count - Double(seen) + 0.5) / (Double(seen) + 0.5) + 1)
                let norm = Self.k1 * (1 - Self.b + Self.b * document.length / averageLength)
                score += weight * idf * frequency * (Self.k1 + 1) / (frequency + norm)
            }
            if score > 0 { scored.append((document.id, score)) }
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }
}
