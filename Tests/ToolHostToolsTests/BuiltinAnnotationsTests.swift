import Testing
import ToolHostCore
@testable import ToolHostTools

/// The nature every built-in operation declares. A wrong read-only hint is a security bug (MCP
/// clients run read-only tools without asking, and `policy.read_only: allow` lets them through),
/// so the read-only set is pinned whole: a new read-only operation must be added here, on
/// purpose.
@Suite("Built-in tool annotations")
struct BuiltinAnnotationsTests {
    private let tools = ToolsManager(directories: [], builtins: BuiltinHandlers.tools).loadCatalogue().sortedTools

    /// `tool.operation` for every operation of every built-in whose declared nature is `nature`.
    private func operations(_ nature: ToolNature) -> Set<String> {
        Set(tools.flatMap { tool in
            (tool.operationNames ?? []).filter { tool.annotations.hints(for: $0).declaredNature == nature }.map { "\(tool.id).\($0)" }
        })
    }

    @Test func everyOperationDeclaresItsNature() throws {
        #expect(tools.count == BuiltinHandlers.tools.count)
        for tool in tools {
            let handler = try #require(BuiltinHandlers.registry.handler(named: tool.id) as? any OperationHandler, "\(tool.id)")
            let run = handler.operations.map(\.name)
            let listed = tool.operationNames ?? []
            #expect(Set(run) == Set(listed), "\(tool.id): the handler runs \(run), the schema lists \(listed)")
            let undeclared = Set(run + listed).filter { tool.annotations.hints(for: $0).declaredNature == nil }.sorted()
            #expect(undeclared.isEmpty, "\(tool.id) does not declare the nature of \(undeclared)")
            let extra = Set(tool.annotations.operations.keys).subtracting(listed).sorted()
            #expect(extra.isEmpty, "\(tool.id) annotates operations it does not have: \(extra)")
            #expect(tool.annotations.tool.openWorldHint == false, "\(tool.id) reaches nothing beyond the host")
        }
    }

    /// Every built-in states each operation's fields (`operations:`), so the validator,
    /// describe and MCP clients know them, and its MCP form has no top-level combinator
    /// (Anthropic's API refuses one and fails every request that lists the tool).
    @Test func everyBuiltInHasOneSchemaPerOperationAndAWireFormModelAPIsTake() throws {
        for tool in tools {
            let branches = try #require(OperationSchemas.branches(of: tool.inputSchema), "\(tool.id) has no per-operation schemas")
            #expect(branches.map(\.operation) == tool.operationNames, "\(tool.id)")
            #expect(branches.allSatisfy { $0.schema["description"]?.stringValue?.isEmpty == false }, "\(tool.id): an operation without a description")
            let wire = try #require(ToolDescription.mcp(tool)["inputSchema"]?.objectValue)
            #expect(wire["oneOf"] == nil && wire["anyOf"] == nil && wire["allOf"] == nil, "\(tool.id)")
            #expect(tool.diagnostics.isEmpty, "\(tool.id): \(tool.diagnostics)")
        }
    }

    @Test func exactlyTheseOperationsAreReadOnly() {
        let readOnly = operations(.readOnly)
        #expect(readOnly == [
            "artifact_store.find_similar", "artifact_store.get_artifact", "artifact_store.stats", "audio_features.analyze",
            "bulk_data_store.query_logs", "bulk_data_store.query_bugs", "bulk_data_store.query_perf",
            "bulk_data_store.get_ancestry", "bulk_data_store.get_tool", "bulk_data_store.list_tools",
            "conversation_store.export_conversation", "conversation_store.training_stats",
            "prompt_evolution_store.latest_profile", "prompt_evolution_store.profile_history", "prompt_evolution_store.profile_lineage",
            "prompt_evolution_store.search_profiles", "prompt_evolution_store.training_summary", "prompt_evolution_store.search_steps",
            "prompt_evolution_store.population",
            "tools_manager.list", "tools_manager.describe", "tools_manager.validate",
            "training_data_store.query", "training_data_store.stats",
        ])
    }

    @Test func whatDeletesReplacesOrRunsArbitraryStatementsIsDestructive() {
        let destructive = operations(.destructive)
        #expect(destructive == [
            "artifact_store.delete_artifact",
            // Arbitrary SQL, committed: `query` runs DELETE ... RETURNING as readily as SELECT.
            "postgres_client.query", "postgres_client.execute", "postgres_client.transaction",
            "postgres_client.update", "postgres_client.delete",
            "prompt_evolution_store.advance_generation",
            "tools_manager.register_tool", "tools_manager.register_function", "tools_manager.register_llm",
            "training_data_store.apply_retention",
        ])
    }

    @Test func exportsThatWriteFilesAreWritesNotReads() {
        let writes = operations(.write)
        let exports: Set = ["training_data_store.export_for_training", "training_data_store.export_to_csv",
                            "conversation_store.export_conversations"]
        #expect(exports.isSubset(of: writes))
    }

    /// Reads that write on the side are writes: recalling memories counts each recall, and
    /// `search` brings its index of the catalogue up to date first.
    @Test func readsThatWriteOnTheSideAreWrites() {
        let writes = operations(.write)
        #expect(writes.isSuperset(of: ["conversation_store.recall_memories", "tools_manager.search"]))
    }

    /// The YAML and the handler agree on every operation: what the YAML declares is what the
    /// Swift code that runs it says (`Operation.nature`), and `toolhost validate` finds nothing.
    @Test func everyDeclaredNatureIsTheHandlersOwn() throws {
        for tool in tools {
            let handler = try #require(BuiltinHandlers.registry.handler(named: tool.id) as? any OperationHandler)
            for operation in handler.operations {
                let declared = tool.annotations.hints(for: operation.name).declaredNature
                #expect(operation.nature != nil, "\(tool.id).\(operation.name): the handler does not say what it does")
                #expect(declared == operation.nature, "\(tool.id).\(operation.name): the YAML says \(String(describing: declared)), the handler \(String(describing: operation.nature))")
            }
            let findings = AnnotationsLint.contradictions(in: tool, derived: BuiltinHandlers.registry.derivedAnnotations(of: tool))
            #expect(findings.isEmpty, "\(tool.id): \(findings)")
        }
    }

    /// What goes out in `tools/list` for every operation of every built-in: each hint as the
    /// operation declares it, else as the tool declares it, else as the handler's nature implies,
    /// else MCP's default; the tool's own hints the safe combination of its operations'.
    @Test func everyOperationHasOnTheWireTheHintsDeclaredOrDerived() throws {
        for tool in tools {
            let entry = ToolDescription.mcp(tool, handlers: BuiltinHandlers.registry)
            let wire = try #require(entry["_meta"]?[WireAnnotations.metaKey]?.objectValue, "\(tool.id) has no per-operation hints")
            let handler = try #require(BuiltinHandlers.registry.handler(named: tool.id) as? any OperationHandler)
            #expect(Set(wire.keys) == Set(handler.operations.map(\.name)), "\(tool.id)")
            var all: [[String: Bool]] = []
            for operation in handler.operations {
                let implied = operation.nature.map(ToolAnnotations.Hints.init(derivedFrom:)) ?? ToolAnnotations.Hints()
                let own = tool.annotations.operations[operation.name] ?? ToolAnnotations.Hints()
                var expected: [String: Bool] = [:]
                for (name, path) in ToolAnnotations.Hints.keys {
                    let defaultValue = name == "destructiveHint" || name == "openWorldHint"
                    expected[name] = own[keyPath: path] ?? tool.annotations.tool[keyPath: path] ?? implied[keyPath: path] ?? defaultValue
                }
                if expected["readOnlyHint"] == true, own.destructiveHint == nil, tool.annotations.tool.destructiveHint == nil, implied.destructiveHint == nil {
                    expected["destructiveHint"] = false
                }
                var sent: [String: Bool] = [:]
                for (key, value) in wire[operation.name]?.objectValue ?? [:] { sent[key] = value.boolValue }
                #expect(sent == expected, "\(tool.id).\(operation.name)")
                all.append(sent)
            }
            var combined: [String: Bool] = [:]
            for (key, value) in entry["annotations"]?.objectValue ?? [:] { combined[key] = value.boolValue }
            let expectedTool: [String: Bool] = [
                "readOnlyHint": all.allSatisfy { $0["readOnlyHint"] == true }, "destructiveHint": all.contains { $0["destructiveHint"] == true },
                "idempotentHint": all.allSatisfy { $0["idempotentHint"] == true }, "openWorldHint": all.contains { $0["openWorldHint"] == true },
            ]
            #expect(combined == expectedTool, "\(tool.id)")
        }
    }
}
