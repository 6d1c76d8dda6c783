import ToolHostCore

extension ToolDiscovery {
    /// The ids of the tools nearest to a mistyped or guessed `id`, closest first: ids within a
    /// small edit distance ("pdf_merg" → pdf_merge), then the tools whose names and texts best
    /// match its words ("pdf_to_text" → pdf_extract_text). No database is touched: this runs
    /// for an error message.
    public static func nearestIDs(to id: String, in catalogue: Catalogue, limit: Int = 3) -> [String] {
        var nearest = Suggestions.closest(to: id, among: catalogue.tools.keys, limit: limit)
        for match in TextRanking(tools: catalogue.sortedTools).rank(id) where nearest.count < limit && !nearest.contains(match.id) {
            nearest.append(match.id)
        }
        return nearest
    }
}
