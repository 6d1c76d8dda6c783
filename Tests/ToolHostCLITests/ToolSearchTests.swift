import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `toolhost search` and `toolhost embed` through the real binary, and the labelled needs of
/// Benchmarks/fixtures/tool_needs.json as a floor under discovery quality.
@Suite("Tool discovery through the real binary")
struct ToolSearchTests {
    let fixture = CLIFixture()
    private let quiet = ["TOOLHOST_RECORD_INVOCATIONS": "false"]

    private func run(_ arguments: [String], database: TestDatabase) throws -> ToolHostBinary.Result {
        try fixture.run(arguments + ["--tools-dir", ToolHostPaths.shippedTools], environment: database.environment.merging(quiet) { $1 })
    }

    /// The labelled needs, read from the file the benchmark uses too.
    static func needs() throws -> [(need: String, tool: String)] {
        let path = FilePath.join(FilePath.directory(of: ToolHostPaths.shippedTools), "Benchmarks/fixtures/tool_needs.json")
        let document = try JSONParser.parse(try FileIO.read(path))
        return (document["needs"]?.arrayValue ?? []).compactMap { item in
            guard let need = item["need"]?.stringValue, let tool = item["tool"]?.stringValue else { return nil }
            return (need, tool)
        }
    }

    /// The hashing embedder alone measured hit@1 0.78 and hit@5 1.0 on these needs (36 needs, 9
    /// tools); the hybrid ranking (BM25 and vectors) 0.97 and 1.0. A change that loses more than
    /// a little of that fails.
    @Test func labelledNeedsFindTheirTools() throws {
        let database = try TestDatabase(.sqlite)
        let needs = try Self.needs()
        #expect(needs.count >= 30)
        var hitsAt1 = 0, hitsAt5 = 0
        var misses: [String] = []
        for (need, tool) in needs {
            let result = try run(["search", need, "--json", "--limit", "5"], database: database)
            #expect(result.status == 0, "\(result.stderr)")
            let found = result.json["data"]?.arrayValue?.compactMap { $0["tool"]?.stringValue } ?? []
            if found.first == tool { hitsAt1 += 1 } else { misses.append("\(need) → \(found.first ?? "nothing") (want \(tool))") }
            if found.contains(tool) { hitsAt5 += 1 }
        }
        let at1 = Double(hitsAt1) / Double(needs.count), at5 = Double(hitsAt5) / Double(needs.count)
        #expect(at1 >= 0.9, "hit@1 \(at1): \(misses.joined(separator: "; "))")
        #expect(at5 >= 0.95, "hit@5 \(at5)")
    }

    @Test(arguments: Engine.allCases)
    func searchPrintsATableOrJSONAndRefusesNonsense(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let table = try run(["search", "count words in a text", "--limit", "2"], database: database)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdoutText.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("word_stats") == true)
        #expect(lines.first.map { Double($0.prefix(5)) != nil } == true)  // the score comes first

        let typed = try run(["search", "count words in a text", "--type", "llm", "--json"], database: database)
        #expect(typed.json["count"] == 0)
        let empty = try run(["search", "   "], database: database)
        #expect(empty.status != 0)
        #expect(empty.stdoutText.contains("invalid_input") || empty.stderr.contains("describe"))
        let tooMany = try run(["search", "x", "--limit", "1000"], database: database)
        #expect(tooMany.status != 0)
    }

    @Test func embedPrintsVectorsAndThroughput() throws {
        let database = try TestDatabase(.sqlite)
        let vectors = try run(["embed", "store a log line", "bake a cake"], database: database)
        #expect(vectors.status == 0, "\(vectors.stderr)")
        let lines = try vectors.stdoutText.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(lines.count == 2)
        #expect(lines.first?["dimension"] == 384)
        #expect(lines.first?["embedding"]?.arrayValue?.count == 384)
        let summary = try run(["embed", "a", "b", "c", "--summary"], database: database)
        #expect(summary.json["texts"] == 3)
        #expect(summary.json["embedder"] == "hashing-v1:384")
        let neither = try run(["embed"], database: database)
        #expect(neither.status != 0)
        let broken = try fixture.run(["embed", "x"], environment: ["TOOLHOST_EMBEDDER": "word2vec"])
        #expect(broken.status != 0)
        #expect(broken.stdoutText.contains("memory.embedder must be one of hashing, ollama, openai") || broken.stderr.contains("memory.embedder must be one of hashing, ollama, openai"))
    }
}
