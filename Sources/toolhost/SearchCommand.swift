import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find the tools that best match a need described in plain words.",
        discussion: """
            The catalogue is kept as `tool` artifacts in the vector collection `tools` of the \
            configured database and embedder (memory.embedder; the default `hashing` needs no \
            model). Each search first re-embeds only the tool files whose text changed, then \
            ranks the tools by a hybrid of text match (BM25 over names, tags, descriptions and \
            input fields) and vector similarity to QUERY, fused by reciprocal rank; of two tools \
            that score the same, the one with more successful recorded calls comes first. The \
            same search is the `search` operation of the tools_manager tool and MCP's \
            find_tools.

            Examples:
              toolhost search "store a log line and query it later"
              toolhost search "export conversations for fine-tuning" --limit 3 --json
              toolhost search "count words" --type executable
              toolhost search "count words" --ranking text     # BM25 alone (or: vectors)
            """
    )

    @Argument(help: ArgumentHelp("What the tool should do.", valueName: "query"))
    var query: String

    @Option(name: .long, help: ArgumentHelp("Only tools of this type (executable, llm, custom, ...).", valueName: "type"))
    var type: String?

    @Option(name: .long, help: "How many tools at most (1-100).")
    var limit = 5

    @Option(name: .long, help: ArgumentHelp("hybrid (default), text (BM25 alone) or vectors (embeddings alone).", valueName: "ranking"))
    var ranking: String = DiscoveryRanking.hybrid.rawValue

    @Flag(name: .long, help: "Print {\"success\", \"data\": [{tool, name, type, score, description, tags, ranks, calls}], \"count\", \"ranking\", \"index\"} as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let answer: JSONValue
        do throws(ToolHostError) {
            guard let order = DiscoveryRanking(rawValue: ranking) else {
                throw ToolHostError(.invalidInput, "--ranking must be hybrid, text or vectors, not '\(ranking)'.")
            }
            let config = try global.loadConfig()
            answer = try ToolDiscovery.search(query, type: type, limit: limit, ranking: order, catalogue: ToolsManager(config: config, handlers: BuiltinHandlers.registry).loadCatalogue(), config: config)
        } catch {
            throw Console.fail(error)
        }
        if json {
            Console.printJSON(answer)
            return
        }
        let matches = answer["data"]?.arrayValue ?? []
        guard !matches.isEmpty else {
            Console.print("No tool matches \"\(query)\".", to: 2)
            return
        }
        let width = matches.compactMap { $0["tool"]?.stringValue?.count }.max() ?? 4
        for match in matches {
            let id = match["tool"]?.stringValue ?? ""
            let score = match["score"]?.numberValue ?? 0
            let description = match["description"]?.stringValue ?? ""
            let clipped = description.count > 90 ? String(description.prefix(89)) + "…" : description
            let padded = id + String(repeating: " ", count: max(width - id.count, 0))
            Console.print("\(String(format3: score))  \(padded)  \(clipped)")
        }
    }
}

private extension String {
    /// A score with three decimals, without Foundation's formatter.
    init(format3 value: Double) {
        let thousandths = Int((value * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = abs(thousandths)
        let fraction = String(magnitude % 1000)
        self = "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
