import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `annotations:` in a tool's YAML: MCP hints for the tool and per operation, the nature the
/// policy derives from them, and what a wrong block is told.
@Suite("Tool annotations")
struct ToolAnnotationsTests {
    private func decode(_ yaml: String) throws -> ToolDefinition {
        try ManifestDecoder.decode(try YAMLDocument.parse(yaml).root, id: "tool", file: "tool.yaml", directory: ToolsDirectory(path: "/tools"))
    }

    private let multiOperation = """
        name: T
        type: llm
        input_schema:
          operation: {type: string, enum: [get, put, drop], required: true}

        """

    @Test func operationHintsOverrideTheToolsKeyByKey() throws {
        let tool = try decode(multiOperation + """
            annotations:
              openWorldHint: false
              destructiveHint: false
              operations:
                get: {readOnlyHint: true}
                drop: {destructiveHint: true, idempotentHint: true}
            """)
        let drop = tool.annotations.hints(for: "drop")
        #expect(drop == ToolAnnotations.Hints(destructiveHint: true, idempotentHint: true, openWorldHint: false))
        let natures = ["get", "put", "drop"].map { tool.nature(of: ["operation": .string($0)]) }
        #expect(natures == [.readOnly, .write, .destructive])
        let diagnostics = tool.diagnostics
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    /// As MCP defines the defaults: not read-only unless said, destructive unless said not.
    @Test func whatIsNotDeclaredIsDestructiveNeverReadOnly() throws {
        let bare = try decode(multiOperation)
        let natures = [nil, "get"].map { bare.annotations.nature(of: $0) }
        #expect(natures == [.destructive, .destructive])
        // readOnlyHint false alone says nothing of destruction: still MCP's default, destructive.
        let notReadOnly = ToolAnnotations(tool: .init(readOnlyHint: false))
        let nature = notReadOnly.nature(of: "get")
        #expect(nature == .destructive)
        let additive = ToolAnnotations(tool: .init(readOnlyHint: false, destructiveHint: false))
        let additiveNature = additive.nature(of: "get")
        #expect(additiveNature == .write)
    }

    @Test func readOnlyAndDestructiveAtOnceIsDestructiveAndWarned() throws {
        let tool = try decode(multiOperation + "annotations: {operations: {get: {readOnlyHint: true, destructiveHint: true}}}\n")
        let nature = tool.nature(of: ["operation": "get"])
        #expect(nature == .destructive)
        let messages = tool.diagnostics.map(\.message)
        #expect(messages == ["operation 'get' is marked both readOnlyHint and destructiveHint; it is treated as destructive"])
    }

    @Test func wrongTypesAreErrorsAtTheirKeyAndFailSafe() throws {
        let tool = try decode(multiOperation + """
            annotations:
              readOnlyHint: "yes please"
              operations:
                get: {readOnlyHint: 1}
                put: true
                dorp: {destructiveHint: true}
                drop: {destructiveHnt: true}
            """)
        let found = tool.diagnostics.map { "\($0.severity) \($0.pointer ?? "") \($0.message)" }.sorted()
        #expect(found == [
            "error /annotations/operations/get/readOnlyHint 'readOnlyHint' must be true or false, not 1",
            "error /annotations/operations/put the annotations of operation 'put' must be a mapping of MCP hints, not boolean",
            "error /annotations/readOnlyHint 'readOnlyHint' must be true or false, not \"yes please\"",
            "warning /annotations/operations/dorp 'dorp' is not an operation of this tool (its input's operation enum); did you mean 'drop'?",
            "warning /annotations/operations/drop/destructiveHnt unknown annotation 'destructiveHnt' (did you mean 'destructiveHint'? known: readOnlyHint, destructiveHint, idempotentHint, openWorldHint)",
        ], "\(found)")
        // Nothing unreadable made a call look read-only or harmless.
        let natures = ["get", "put", "drop"].map { tool.nature(of: ["operation": .string($0)]) }
        #expect(natures == [.destructive, .destructive, .destructive])
    }

    @Test func aBlockThatIsNotAMappingIsAnError() throws {
        let tool = try decode("name: T\ntype: llm\nannotations: [readOnlyHint]\n")
        let messages = tool.diagnostics.map(\.message)
        #expect(messages.count == 1 && messages[0].hasPrefix("'annotations' must be a mapping of MCP hints"), "\(messages)")
    }

    @Test func annotationsArePinnedOnlyWhenGiven() throws {
        let bare = try decode(multiOperation)
        let same = try decode(multiOperation + "annotations: {}\n")
        #expect(bare.fingerprint == same.fingerprint)
        let readOnly = try decode(multiOperation + "annotations: {operations: {drop: {readOnlyHint: true}}}\n")
        #expect(readOnly.fingerprint != bare.fingerprint)
    }
}
