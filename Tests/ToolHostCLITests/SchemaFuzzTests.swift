import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Mutated inputs to every built-in tool, on both engines, through `serve --jsonl` and `run`:
/// every answer is JSON, every failure carries an error_code, the server never dies.
///
/// Seeded and reproducible: TOOLHOST_FUZZ_SEED picks the seed (default fixed), and
/// TOOLHOST_FUZZ_COUNT the inputs per engine over JSON lines (default 2500: 5,000 in CI; set it
/// higher for a longer run). A failure names the seed and the input.
@Suite("Fuzzed inputs to the built-in tools")
struct SchemaFuzzTests {
    let folder = EmptyFolder()

    static var seed: UInt64 { ProcessInfo.processInfo.environment["TOOLHOST_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20261203 }
    static var count: Int { ProcessInfo.processInfo.environment["TOOLHOST_FUZZ_COUNT"].flatMap { Int($0) } ?? 2500 }

    /// Each built-in tool with its schema's properties and its examples.
    private func builtinTools() throws -> [(id: String, properties: [String], operations: [String], examples: [JSONObject])] {
        let listed = try folder.run(["list", "--json"])
        let tools = listed.json["data"]?.arrayValue ?? []
        return try tools.filter { $0["builtin"] == true }.compactMap(\.["id"]?.stringValue).map { id in
            let described = try folder.run(["describe", id, "--format", "json"]).json
            let properties = described["input_schema"]?["properties"]?.objectValue.map { $0.map(\.key) } ?? []
            let operations = described["input_schema"]?["properties"]?["operation"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let examples = described["examples"]?.arrayValue?.compactMap(\.objectValue) ?? []
            return (id, properties, operations, examples)
        }
    }

    @Test(arguments: Engine.allCases)
    func everyAnswerIsJSONWithAnErrorCode(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let tools = try builtinTools()
        try #require(tools.count >= 7, "built-in tools: \(tools.map(\.id))")
        var random = SplitMix64(seed: Self.seed ^ (engine == .postgres ? 0x9E37 : 0))
        var sent: [Int: String] = [:]
        let server = try folder.start(["serve", "--jsonl"], environment: database.environment)
        for id in 0..<Self.count {
            let tool = tools[random.below(tools.count)]
            let input = Mutator.mutate(tool.examples.isEmpty ? [:] : tool.examples[random.below(tool.examples.count)],
                                       properties: tool.properties, operations: tool.operations, random: &random)
            let line = JSONWriter.string(["id": .int(id), "tool": .string(tool.id), "input": .object(input)])
            sent[id] = line
            server.write(line + "\n")
        }
        let (status, lines) = try server.waitForExit(within: 300)
        #expect(status == 0, "seed \(Self.seed): the server ended with \(status); stderr: \(server.stderr.suffix(2000))")
        #expect(lines.count == Self.count, "seed \(Self.seed): \(lines.count) answers for \(Self.count) requests")
        var failures = 0
        for line in lines {
            let answer = try? JSONParser.parse(line)
            let result = answer?["result"]
            let id = answer?["id"]?.integerValue.map { Int($0) } ?? -1
            let fine = result?.objectValue != nil && (result?["success"] != false || (result?["error_code"]?.stringValue?.isEmpty == false))
            if !fine, failures < 5 {
                failures += 1
                Issue.record("seed \(Self.seed): \(sent[id] ?? "?") → \(line.prefix(500))")
            }
        }
    }

    @Test(arguments: Engine.allCases)
    func runAnswersEveryInputWithJSON(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let tools = try builtinTools()
        try #require(tools.count >= 7, "built-in tools: \(tools.map(\.id))")
        var random = SplitMix64(seed: Self.seed &+ 1)
        for _ in 0..<60 {
            let tool = tools[random.below(tools.count)]
            let input = Mutator.mutate(tool.examples.isEmpty ? [:] : tool.examples[random.below(tool.examples.count)],
                                       properties: tool.properties, operations: tool.operations, random: &random)
            let text = JSONWriter.string(.object(input))
            let result = try folder.run(["run", tool.id], input: text, environment: database.environment)
            let answer = try? JSONParser.parse(result.stdout)
            let fine = answer?.objectValue != nil && (result.status == 0 || answer?["error_code"]?.stringValue?.isEmpty == false)
            #expect(fine, "seed \(Self.seed): \(tool.id) \(text) → status \(result.status): \(result.stdoutText.prefix(500)) \(result.stderr.prefix(500))")
            #expect(result.status < 128, "seed \(Self.seed): \(tool.id) \(text) crashed: \(result.stderr.prefix(500))")
        }
    }
}

/// Mutations of a valid input: members dropped, replaced by values of every kind (hostile
/// strings among them), unknown members added, operations swapped.
enum Mutator {
    static let hostileStrings = [
        "", " ", "'; DROP TABLE tool_logs; --", "\" OR 1=1 --", "x\u{0}y", "../../etc/passwd", "/etc/passwd",
        "%s%s%s%(x)s", "$1", "?", "\u{FEFF}", "😀", String(repeating: "a", count: 10_000), "\\", "null", "1e309",
        "2026-13-45T99:99:99Z", "-1", "NaN", "{\"a\":1}", "\n\t\r",
    ]

    static func mutate(_ example: JSONObject, properties: [String], operations: [String], random: inout SplitMix64) -> JSONObject {
        var input = example
        for _ in 0...random.below(3) {
            switch random.below(6) {
            case 0:
                if let key = input.map(\.key).randomElement(using: &random) { input[key] = nil }
            case 1, 2:
                let key = properties.isEmpty ? "x" : properties[random.below(properties.count)]
                input[key] = value(&random, depth: 0)
            case 3:
                input["unknown_\(random.below(100))"] = value(&random, depth: 0)
            case 4:
                if !operations.isEmpty { input["operation"] = .string(operations[random.below(operations.count)]) }
            default:
                let key = input.map(\.key).randomElement(using: &random) ?? "operation"
                input[key] = .string(hostileStrings[random.below(hostileStrings.count)])
            }
        }
        return input
    }

    static func value(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch random.below(depth > 3 ? 7 : 9) {
        case 0: return .null
        case 1: return .bool(random.below(2) == 0)
        case 2: return .integer([0, -1, 1, Int64.max, Int64.min, 2_147_483_648, 100_000_000][random.below(7)])
        case 3: return .double([0.5, -0.0, 1e300, -1e-300, 3.0][random.below(5)])
        case 4, 5: return .string(hostileStrings[random.below(hostileStrings.count)])
        case 6: return .string("v\(random.below(1000))")
        case 7: return .array((0..<random.below(4)).map { _ in value(&random, depth: depth + 1) })
        default: return .object(JSONObject((0..<random.below(4)).map { ("k\($0)", value(&random, depth: depth + 1)) }))
        }
    }
}

extension Array {
    func randomElement(using random: inout SplitMix64) -> Element? {
        isEmpty ? nil : self[random.below(count)]
    }
}
