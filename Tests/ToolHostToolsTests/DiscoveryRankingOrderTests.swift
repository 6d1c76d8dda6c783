import Testing
@testable import ToolHostTools

/// The parts of discovery's ranking, in process: stems, blended synonyms, rank fusion and the
/// usage tie-breaker.
@Suite("Discovery ranking parts")
struct DiscoveryRankingOrderTests {
    @Test(arguments: [
        (["parse", "parser", "parsing", "parsed", "parses"], "pars"),
        (["validate", "validation", "validated"], "valid"),
        (["compress", "compression", "compressed", "compressor"], "compress"),
        (["summarise", "summarize", "summarised"], "summar"),
        (["query", "queries"], "queri"),
        (["archive", "archiving", "archives"], "arch"),
    ])
    func formsOfAWordShareAStem(forms: [String], stem: String) {
        let stems = forms.map(SearchTerms.stem)
        #expect(stems.allSatisfy { $0 == stem }, "\(zip(forms, stems).map { "\($0) → \($1)" })")
    }

    @Test func requestFillerAndSnakeCaseAreHandled() {
        let words = SearchTerms.words("Please make sure the CSV_to_JSON parseHTML tool works")
        #expect(words == ["csv", "json", "parse", "html", "works"])
    }

    @Test func equalScoresShareARank() {
        let ranks = DiscoveryRanking.ranks([("a", 3), ("b", 2), ("c", 2), ("d", 1)])
        #expect(ranks == ["a": 1, "b": 2, "c": 2, "d": 4])
    }

    /// Reciprocal-rank fusion: a tool both rankings place second beats one that only one
    /// places first.
    @Test func fusionPrefersWhatBothRankingsAgreeOn() {
        let order = DiscoveryRanking.hybrid.order(text: [("lexical", 9), ("agreed", 8), ("other", 1)],
                                                  vectors: [("semantic", 0.9), ("agreed", 0.8)], calls: [:])
        #expect(order.map(\.id) == ["agreed", "lexical", "semantic", "other"])
        #expect(order.first?.textRank == 2 && order.first?.vectorRank == 2)
        #expect(order.last?.vectorRank == nil)
    }

    @Test func usageBreaksTiesAndOnlyTies() {
        let order = DiscoveryRanking.hybrid.order(text: [("a", 5), ("b", 5), ("c", 1)], vectors: [("a", 0.5), ("b", 0.5), ("c", 0.1)],
                                                  calls: ["b": 3, "c": 100])
        #expect(order.map(\.id) == ["b", "a", "c"])
        #expect(order[0].score == order[1].score)
    }

    @Test func aSynonymCountsWithItsWordNotOnTop() {
        // "remove" is a synonym of "delete": a tool saying "delete" matches; one saying both is
        // not worth twice as much as one that says "delete" as often.
        let group = SearchSynonyms.group(of: SearchTerms.stem("remove"))
        #expect(group[SearchTerms.stem("delete")] == SearchSynonyms.weight)
        #expect(group[SearchTerms.stem("remove")] == 1)
    }
}
