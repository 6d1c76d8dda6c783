import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// A wrong read-only hint is a security bug (MCP clients run read-only tools without asking,
/// `policy.read_only: allow` lets them through), so it is proved by behaviour, not by reading
/// the YAML: every operation that goes out as `readOnlyHint: true` is called again, with every
/// input the answer-golden scenario gives it, on the database that scenario filled, and the whole
/// database (schema, every row of every table, sequences) and the test's folder must be exactly
/// as they were before the call.
@Suite("Built-in read-only operations change nothing")
struct BuiltinReadOnlyTests {
    static var scenarios: [(tool: String, script: (GoldenScenario) throws -> Void)] { [
        ("bulk_data_store", Scenarios.bulkDataStore), ("conversation_store", Scenarios.conversationStore),
        ("prompt_evolution_store", Scenarios.promptEvolutionStore), ("training_data_store", Scenarios.trainingDataStore),
        ("postgres_client", Scenarios.postgresClient), ("artifact_store", Scenarios.artifactStore),
        ("tools_manager", Scenarios.toolsManager), ("audio_features", Scenarios.audioFeatures),
    ] }

    @Test func everyBuiltInToolHasAScenario() {
        let covered = Set(Self.scenarios.map(\.tool))
        #expect(covered == Set(BuiltinHandlers.tools.map(\.id)))
    }

    @Test(arguments: Engine.allCases)
    func readOnlyOperationsLeaveTheDatabaseAsItWas(engine: Engine) throws {
        let registry = BuiltinHandlers.registry
        for (tool, script) in Self.scenarios {
            let scenario = try GoldenScenario.played(tool, engine, script)
            let definition = try scenario.harness.invoker.resolve(tool)
            let readOnly = Set(WireAnnotations(of: definition, handlers: registry).operations.filter(\.hints.readOnlyHint).map(\.name))
            var replayed: Set<String> = []
            for call in scenario.calls where call.tool == tool {
                guard let operation = call.input["operation"]?.stringValue, readOnly.contains(operation) else { continue }
                let before = try Snapshot(scenario.harness)
                _ = try scenario.harness.call(tool, call.input)
                let after = try Snapshot(scenario.harness)
                let changed = before.differences(from: after)
                #expect(changed.isEmpty, "\(tool).\(operation) is read-only on the wire but changed \(changed) on \(engine), input \(call.input)")
                replayed.insert(operation)
            }
            let missed = readOnly.subtracting(replayed).sorted()
            #expect(missed.isEmpty, "\(tool): the scenario never calls the read-only \(missed)")
        }
    }

    /// Whatever a call could change: every table's rows and the schema, as text, and every file
    /// under the test's folder with its contents' hash.
    struct Snapshot {
        var parts: [String: [String]] = [:]

        init(_ harness: HandlerHarness) throws {
            let connection = try harness.connection()
            switch connection.dialect {
            case .sqlite:
                parts["schema"] = try texts(connection, "SELECT type, name, tbl_name, sql FROM sqlite_master")
                for table in try connection.run("SELECT name FROM sqlite_master WHERE type = 'table'").rows.compactMap({ $0["name"]?.stringValue }) {
                    parts["table \(table)"] = try texts(connection, "SELECT * FROM \"\(table)\"")
                }
            case .postgres:
                let user = "NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                parts["schema"] = try texts(connection, "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns WHERE table_schema \(user)")
                parts["indexes"] = try texts(connection, "SELECT schemaname, indexname, indexdef FROM pg_indexes WHERE schemaname \(user)")
                parts["sequences"] = try texts(connection, "SELECT schemaname, sequencename, last_value FROM pg_sequences")
                for row in try connection.run("SELECT schemaname, tablename FROM pg_tables WHERE schemaname \(user)").rows {
                    guard let schema = row["schemaname"]?.stringValue, let table = row["tablename"]?.stringValue else { continue }
                    parts["table \(schema).\(table)"] = try texts(connection, "SELECT * FROM \"\(schema)\".\"\(table)\"")
                }
            }
            parts["files"] = Self.files(under: harness.directory.path)
        }

        /// The names of the parts that differ.
        func differences(from other: Snapshot) -> [String] {
            Set(parts.keys).union(other.parts.keys).filter { parts[$0] != other.parts[$0] }.sorted()
        }

        private func texts(_ connection: any DatabaseConnection, _ sql: String) throws -> [String] {
            try connection.run(sql).rows.map { JSONWriter.string(.object($0)) }.sorted()
        }

        private static func files(under root: String) -> [String] {
            let manager = FileManager.default
            guard let paths = manager.enumerator(atPath: root) else { return [] }
            var found: [String] = []
            for case let path as String in paths {
                let full = FilePath.join(root, path)
                guard FileIO.isFile(full), let bytes = try? FileIO.read(full) else { continue }
                found.append("\(path) \(bytes.count) \(CatalogueCache.fnv1a(bytes))")
            }
            return found.sorted()
        }
    }
}
