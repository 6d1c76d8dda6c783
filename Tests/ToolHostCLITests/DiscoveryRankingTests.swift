import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The hybrid ranking of tool discovery through the real binary: text match and vectors fused,
/// usage breaking ties, and the labelled needs of Benchmarks/discovery as a floor under its
/// quality on a 229-tool catalogue.
@Suite("Tool discovery ranking")
struct DiscoveryRankingTests {
    let fixture = CLIFixture()

    static let catalogue = FilePath.join(ToolHostPaths.packageRoot, "Benchmarks/discovery/catalogue")

    private func tool(_ id: String, _ description: String, tags: [String] = []) {
        fixture.directory.write("small/\(id).yaml", """
            name: \(id)
            type: executable
            description: "\(description)"
            tags: [\(tags.joined(separator: ", "))]
            executable: {command: cat}
            """)
    }

    private func search(_ need: String, ranking: String = "hybrid", database: TestDatabase) throws -> [JSONValue] {
        let found = try fixture.run(["search", need, "--json", "--ranking", ranking, "--tools-dir", "small"],
                                    environment: database.environment)
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.json["ranking"] == .string(ranking))
        return found.json["data"]?.arrayValue ?? []
    }

    /// A decoy that repeats the need's common words ("file", "text") but does something else
    /// loses to the tool whose distinctive words and word forms match ("compressed" meets
    /// "compress" by stem, "archive" by its name and tags).
    @Test func theRightToolBeatsADecoyThatSharesTheNeedsCommonWords() throws {
        let database = try TestDatabase(.sqlite)
        tool("file_text_lines", "Read the text of a file and return the lines of the file text as a list of text lines.", tags: ["file", "text"])
        tool("zip_archive", "Pack files and folders into a compressed .zip or .tar.gz archive.", tags: ["files", "archive", "compression"])
        tool("send_email", "Send an email with subject, body and attachments.", tags: ["email"])
        let need = "compress this text file into an archive"
        let hybrid = try search(need, database: database)
        #expect(hybrid.first?["tool"] == "zip_archive", "\(hybrid)")
        #expect(hybrid.first?["ranks"]?["text"] == 1)
        // Each ranking alone answers too, with the rank of the other left out.
        let text = try search(need, ranking: "text", database: database)
        #expect(text.first?["ranks"]?["vectors"] == .null)
        let vectors = try search(need, ranking: "vectors", database: database)
        #expect(vectors.first?["ranks"]?["text"] == .null)
        #expect(!vectors.isEmpty)
    }

    /// Two tools that match a need equally: the one with more successful recorded calls first
    /// (without calls, the smaller id). Text ranking, where the two ids weigh the same.
    @Test func successfulCallsBreakTies() throws {
        let database = try TestDatabase(.sqlite)
        tool("converter_1", "Convert temperatures between Celsius and Fahrenheit.")
        tool("converter_2", "Convert temperatures between Celsius and Fahrenheit.")
        let before = try search("celsius to fahrenheit", ranking: "text", database: database)
        #expect(before.prefix(2).compactMap { $0["tool"]?.stringValue } == ["converter_1", "converter_2"])
        #expect(before.first?["score"] == before.dropFirst().first?["score"])
        for _ in 0..<2 {
            let ran = try fixture.run(["run", "converter_2", "--tools-dir", "small"], input: "{}", environment: database.environment)
            #expect(ran.status == 0, "\(ran.stderr)")
        }
        let failed = try fixture.run(["run", "converter_1", "--tools-dir", "small"], input: "[]", environment: database.environment)
        #expect(failed.status != 0)  // a failed call is no usage
        let after = try search("celsius to fahrenheit", ranking: "text", database: database)
        #expect(after.prefix(2).compactMap { $0["tool"]?.stringValue } == ["converter_2", "converter_1"], "\(after)")
        #expect(after.first?["calls"] == 2)
        // The hybrid ranking gives the same score to the same ranks: usage decides there too.
        let hybrid = try search("celsius to fahrenheit", database: database)
        if hybrid.first?["score"] == hybrid.dropFirst().first?["score"] {
            #expect(hybrid.first?["tool"] == "converter_2", "\(hybrid)")
        }
    }

    @Test func aWrongRankingIsRefusedWithTheChoices() throws {
        let refused = try fixture.run(["search", "x", "--ranking", "magic"])
        #expect(refused.status != 0)
        #expect((refused.stdoutText + refused.stderr).contains("--ranking must be hybrid, text or vectors"))
    }

    /// The labelled needs of Benchmarks/discovery/needs.json over its 229-tool catalogue,
    /// searched by one long-lived server (`tools_manager search`, the ranking `toolhost search`
    /// and MCP's find_tools use). Benchmarks/discovery/discovery_bench.py measured hybrid hit@1
    /// 0.467 and hit@5 0.685 with the hashing embedder when this floor was set; a change that
    /// loses more than a little of it fails.
    @Test func labelledNeedsOverTheBigCatalogueStayAboveTheFloor() throws {
        let database = try TestDatabase(.sqlite)
        let document = try JSONParser.parse(try FileIO.read(FilePath.join(ToolHostPaths.packageRoot, "Benchmarks/discovery/needs.json")))
        let needs = (document["needs"]?.arrayValue ?? []).compactMap { item -> (String, Set<String>)? in
            guard let need = item["need"]?.stringValue, let tools = item["tools"]?.arrayValue?.compactMap(\.stringValue) else { return nil }
            return (need, Set(tools))
        }
        #expect(needs.count >= 50)
        let lines = needs.enumerated().map { index, item in
            JSONWriter.string(["id": .int(index), "tool": "tools_manager",
                               "input": ["operation": "search", "query": .string(item.0), "limit": 5]])
        }
        let served = try fixture.run(["serve", "--jsonl", "--tools-dir", Self.catalogue], input: lines.map { $0 + "\n" }.joined(),
                                     environment: database.environment.merging(["TOOLHOST_RECORD_INVOCATIONS": "false"]) { $1 })
        #expect(served.status == 0, "\(served.stderr)")
        var found: [Int: [String]] = [:]
        for line in served.stdoutText.split(separator: "\n") {
            let answer = try JSONParser.parse(String(line))
            guard let id = answer["id"]?.integerValue else { continue }
            found[id] = answer["result"]?["data"]?.arrayValue?.compactMap { $0["tool"]?.stringValue } ?? []
        }
        var hitsAt1 = 0, hitsAt5 = 0
        for (index, item) in needs.enumerated() {
            let ids = found[index] ?? []
            if let first = ids.first, item.1.contains(first) { hitsAt1 += 1 }
            if !item.1.isDisjoint(with: ids) { hitsAt5 += 1 }
        }
        let at1 = Double(hitsAt1) / Double(needs.count), at5 = Double(hitsAt5) / Double(needs.count)
        #expect(at1 >= Self.floorAt1, "hit@1 \(at1)")
        #expect(at5 >= Self.floorAt5, "hit@5 \(at5)")
    }

    /// Measured: hit@1 0.467, hit@5 0.685 (hashing embedder, 92 needs).
    static let floorAt1 = 0.43
    static let floorAt5 = 0.65
}
