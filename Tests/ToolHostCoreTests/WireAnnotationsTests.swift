import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The MCP hints as they go out (`WireAnnotations`), where a declaration contradicts the handler
/// (`AnnotationsLint`), and the answer schema as MCP's `outputSchema` (`MCPOutputSchema`).
@Suite("Wire annotations and output schemas")
struct WireAnnotationsTests {
    private func decode(_ yaml: String) throws -> ToolDefinition {
        try ManifestDecoder.decode(try YAMLDocument.parse(yaml).root, id: "tool", file: "tool.yaml", directory: ToolsDirectory(path: "/tools"))
    }

    private let store = """
        name: T
        type: executable
        handler: store
        input_schema:
          operation: {type: string, enum: [get, put, drop], required: true}

        """

    /// A handler that knows its operations: get reads, put writes, drop destroys.
    private let derived = ToolAnnotations(operations: ["get": .init(derivedFrom: .readOnly), "put": .init(derivedFrom: .write),
                                                       "drop": .init(derivedFrom: .destructive)])

    private func hints(_ wire: WireAnnotations, _ operation: String) -> WireAnnotations.Hints? {
        wire.operations.first { $0.name == operation }?.hints
    }

    @Test func aToolThatSaysNothingGetsMCPsSafeDefaultsNeverHarmless() throws {
        let wire = WireAnnotations(declared: ToolAnnotations(), derived: ToolAnnotations(), operationNames: nil)
        #expect(wire.tool == .init(readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true))
        #expect(wire.operations.isEmpty && wire.meta == nil)
    }

    @Test func declaredHintsWinOverDerivedOnesWhichFillTheRest() throws {
        let tool = try decode(store + """
            annotations:
              openWorldHint: false
              operations:
                put: {idempotentHint: true}
                drop: {destructiveHint: true, idempotentHint: true}
            """)
        let wire = WireAnnotations(declared: tool.annotations, derived: derived, operationNames: tool.operationNames)
        #expect(wire.operations.map(\.name) == ["get", "put", "drop"])
        #expect(hints(wire, "get") == .init(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false))
        #expect(hints(wire, "put") == .init(readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false))
        #expect(hints(wire, "drop") == .init(readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false))
    }

    /// Read-only only if every operation is; destructive if any is; idempotent only if all are;
    /// open-world if any is.
    @Test func aMultiOperationToolsOwnHintsAreTheSafeCombination() throws {
        let tool = try decode(store + """
            annotations:
              operations:
                get: {openWorldHint: false}
                put: {openWorldHint: false}
                drop: {openWorldHint: true, idempotentHint: true}
            """)
        let wire = WireAnnotations(declared: tool.annotations, derived: derived, operationNames: tool.operationNames)
        #expect(wire.tool == .init(readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true))
        let reads = WireAnnotations(declared: ToolAnnotations(), derived: ToolAnnotations(operations: ["a": .init(derivedFrom: .readOnly), "b": .init(derivedFrom: .readOnly)]),
                                    operationNames: ["a", "b"])
        #expect(reads.tool.readOnlyHint && !reads.tool.destructiveHint && reads.tool.idempotentHint)
        let meta = try #require(reads.meta?[WireAnnotations.metaKey]?.objectValue)
        #expect(meta.keys.sorted() == ["a", "b"])
    }

    /// Read-only and destructive at once go out as destructive (as the policy reads them).
    @Test func readOnlyAndDestructiveAtOnceIsNotReadOnly() throws {
        let wire = WireAnnotations(declared: ToolAnnotations(tool: .init(readOnlyHint: true, destructiveHint: true)), derived: ToolAnnotations(),
                                   operationNames: nil)
        #expect(!wire.tool.readOnlyHint && wire.tool.destructiveHint)
    }

    @Test func aReadOnlyDeclarationOnAnOperationTheHandlerSaysWritesIsWarnedAbout() throws {
        let tool = try decode(store + """
            annotations:
              operations:
                get: {readOnlyHint: true}
                put: {readOnlyHint: true}
                drop: {readOnlyHint: false, destructiveHint: false}
            """)
        let findings = AnnotationsLint.contradictions(in: tool, derived: derived)
        #expect(findings.map(\.pointer) == ["/annotations/operations/put/readOnlyHint", "/annotations/operations/drop/destructiveHint"])
        #expect(findings.allSatisfy { $0.code == "annotation_contradicts_handler" && $0.severity == .warning })
        let first = try #require(findings.first)
        #expect(first.message.contains("operation 'put' is declared readOnlyHint: true, but the handler 'store' says it writes"))
        #expect(first.description.hasSuffix("[annotation_contradicts_handler]"))
        #expect(first.json["code"] == "annotation_contradicts_handler")
    }

    @Test func aMoreCarefulDeclarationThanTheHandlersPasses() throws {
        let tool = try decode(store + """
            annotations:
              destructiveHint: true
            """)
        #expect(AnnotationsLint.contradictions(in: tool, derived: derived).isEmpty)
    }

    @Test func aClosedWorldDeclarationOnANetworkToolIsWarnedAboutAtTheToolsHint() throws {
        let tool = try decode("""
            name: T
            type: llm
            annotations: {openWorldHint: false, readOnlyHint: true}
            """)
        let findings = AnnotationsLint.contradictions(in: tool, derived: ToolAnnotations(tool: .init(openWorldHint: true)))
        #expect(findings.map(\.pointer) == ["/annotations/openWorldHint"])
    }

    @Test func anObjectSchemaGoesOutAsItIsAnyOtherUnderResult() throws {
        let object: JSONValue = ["type": "object", "properties": ["n": ["type": "integer"]]]
        #expect(MCPOutputSchema.wire(object) == object)
        #expect(MCPOutputSchema.structuredContent(of: ["n": 1], schema: object) == ["n": 1])
        let array: JSONValue = ["type": "array", "items": ["type": "integer"]]
        #expect(MCPOutputSchema.wire(array) == ["type": "object", "properties": ["result": array], "required": ["result"]])
        #expect(MCPOutputSchema.structuredContent(of: [1, 2], schema: array) == ["result": [1, 2]])
        // Without a schema only an object answer is structured content.
        #expect(MCPOutputSchema.structuredContent(of: [1, 2], schema: nil) == nil)
    }
}
