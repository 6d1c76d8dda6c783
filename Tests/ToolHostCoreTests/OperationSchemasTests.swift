import Foundation
import Testing
@testable import ToolHostCore

/// A multi-operation tool's `operations:` section: one schema per operation, keyed on
/// `operation`, that the validator checks with messages naming the operation.
@Suite("Per-operation input schemas")
struct OperationSchemasTests {
    private static let yaml = """
        name: Bugs
        type: executable
        handler: bugs
        input_schema:
          operation: {type: string, description: "What to do"}
          bug_id: "string - the bug's id"
          resolution: "string - how it was resolved"
          limit: {type: integer, default: 100, minimum: 1, maximum: 1000}
          search: "string - words to find"
        operations:
          resolve_bug:
            description: "Mark a bug resolved"
            required: [bug_id]
            optional: [resolution]
          query_bugs:
            description: "Bugs, newest first"
            optional: [search, limit]
          count_bugs: {description: "How many bugs there are"}
          recent_bugs:
            optional: [limit]
            fields: {limit: {maximum: 5, default: 5}}
        """

    private func decode(_ yaml: String = Self.yaml) throws -> ToolDefinition {
        try ManifestDecoder.decode(try YAMLDocument.parse(yaml).root, id: "bugs", file: "/tools/bugs.yaml", directory: ToolsDirectory(path: "/tools"))
    }

    private func violations(_ input: JSONValue, _ schema: JSONValue) -> [String] {
        SchemaValidator.validate(input, against: schema).violations.map { "\($0.path) \($0.message)" }
    }

    @Test func eachOperationBecomesABranchKeyedOnOperationWithOnlyItsFields() throws {
        let tool = try decode()
        #expect(tool.diagnostics.isEmpty, "\(tool.diagnostics)")
        #expect(tool.operationNames == ["resolve_bug", "query_bugs", "count_bugs", "recent_bugs"])
        let branches = try #require(OperationSchemas.branches(of: tool.inputSchema))
        #expect(branches.map(\.operation) == ["resolve_bug", "query_bugs", "count_bugs", "recent_bugs"])
        let resolve = branches[0].schema
        #expect(resolve["description"] == "Mark a bug resolved")
        #expect(resolve["properties"]?.objectValue?.keys == ["operation", "bug_id", "resolution"])
        #expect(resolve["required"] == ["operation", "bug_id"])
        #expect(resolve["additionalProperties"] == false)
        #expect(tool.inputSchema["required"] == ["operation"])
    }

    /// A default operation is filled in before the branch is chosen, so a call may leave it out
    /// and still gets that operation's checks and defaults; a default naming no operation is an
    /// error of the definition.
    @Test func aDefaultOperationLetsCallsLeaveItOut() throws {
        let tool = try decode(Self.yaml.replacingOccurrences(of: #"operation: {type: string, description: "What to do"}"#,
                                                             with: #"operation: {type: string, description: "What to do", default: query_bugs}"#))
        #expect(tool.diagnostics.isEmpty, "\(tool.diagnostics)")
        #expect(tool.inputSchema["required"] == nil)
        let checked = SchemaValidator.validate(["search": "crash"], against: tool.inputSchema)
        #expect(checked.violations.isEmpty, "\(checked.violations)")
        #expect(checked.value == ["search": "crash", "operation": "query_bugs", "limit": 100])
        #expect(violations(["bug_id": "b1"], tool.inputSchema).first?.contains("is not a field of operation 'query_bugs'") == true)
        let wrong = try decode(Self.yaml.replacingOccurrences(of: #"operation: {type: string, description: "What to do"}"#,
                                                              with: #"operation: {type: string, default: fix_everything}"#))
        #expect(wrong.diagnostics.contains { $0.message.contains("operation default must name one of the operations") }, "\(wrong.diagnostics)")
    }

    @Test func aMissingFieldIsRequiredByTheOperationThatNeedsIt() throws {
        let schema = try decode().inputSchema
        let found = violations(["operation": "resolve_bug"], schema)
        #expect(found == ["/bug_id is required by operation 'resolve_bug'"])
    }

    @Test func aWrongFieldNameIsRefusedWithTheOperationsFieldsAndASuggestion() throws {
        let schema = try decode().inputSchema
        let found = violations(["operation": "resolve_bug", "bug_id": "B1", "resolutoin": "fixed"], schema)
        #expect(found == ["/resolutoin is not a field of operation 'resolve_bug'; did you mean 'resolution'? (its fields: bug_id, resolution)"])
        let none = violations(["operation": "count_bugs", "limit": 5], schema)
        #expect(none == ["/limit is not a field of operation 'count_bugs' (it takes no other fields)"])
    }

    @Test func defaultsApplyOnlyToTheOperationsThatTakeTheField() throws {
        let schema = try decode().inputSchema
        let query = SchemaValidator.validate(["operation": "query_bugs"], against: schema)
        #expect(query.violations.isEmpty)
        #expect(query.value == ["operation": "query_bugs", "limit": 100])
        let count = SchemaValidator.validate(["operation": "count_bugs"], against: schema)
        #expect(count.violations.isEmpty)
        #expect(count.value == ["operation": "count_bugs"])
    }

    /// A shared field with other bounds for one operation: only that operation's change.
    @Test func anOperationCanChangeASharedFieldsBoundsForItselfOnly() throws {
        let schema = try decode().inputSchema
        let recent = SchemaValidator.validate(["operation": "recent_bugs"], against: schema)
        #expect(recent.value == ["operation": "recent_bugs", "limit": 5])
        #expect(violations(["operation": "recent_bugs", "limit": 6], schema) == ["/limit must be at most 5, not 6"])
        #expect(violations(["operation": "query_bugs", "limit": 600], schema).isEmpty)
        let tool = try decode("""
            name: Bugs
            type: executable
            handler: bugs
            input_schema: {limit: "integer - how many", search: "string - words"}
            operations:
              recent_bugs: {optional: [limit], fields: {search: {maxLength: 3}, limit: {maxLength: 2, nonsense: 1}}}
            """)
        let messages = tool.diagnostics.map { "\($0.pointer ?? "") \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("/operations/recent_bugs/fields/search") && $0.contains("does not take") })
        #expect(messages.contains { $0.hasPrefix("/operations/recent_bugs/fields/limit") && $0.contains("nonsense is not a schema keyword") })
    }

    /// Python callers pass every argument, None for those unset: a null for a field of any
    /// operation of the tool is "not given", also where this operation does not take it.
    @Test func nullsForFieldsOfOtherOperationsAreNotGiven() throws {
        let schema = try decode().inputSchema
        let result = SchemaValidator.validate(["operation": "resolve_bug", "bug_id": "B1", "search": .null, "limit": .null], against: schema)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.value == ["operation": "resolve_bug", "bug_id": "B1"])
    }

    @Test func anUnknownOrMissingOperationIsReportedOnce() throws {
        let schema = try decode().inputSchema
        let unknown = violations(["operation": "resolve"], schema)
        #expect(unknown.count == 1)
        #expect(unknown.first?.hasPrefix("/operation must be one of") == true)
        let missing = violations(["bug_id": "B1"], schema)
        #expect(missing == ["/operation is required"])
    }

    @Test func mistakesInTheSectionAreDiagnosedWhereTheyAre() throws {
        let tool = try decode("""
            name: Bugs
            type: executable
            handler: bugs
            input_schema:
              operation: {type: string, enum: [resolve_bug, purge]}
              bug_id: "string - the bug's id"
              orphan: "string - nobody takes this"
            operations:
              resolve_bug: {required: [bug_id, bug_title]}
              list_bugs: {optional: "bug_id"}
            """)
        let messages = tool.diagnostics.map { "\($0.pointer ?? "") \($0.message)" }
        #expect(messages.contains { $0.contains("/operations/resolve_bug") && $0.contains("'bug_title'") })
        #expect(messages.contains { $0.hasPrefix("/operations/list_bugs/optional") && $0.contains("list of field names") })
        #expect(messages.contains { $0.hasPrefix("/input_schema/orphan") && $0.contains("no operation") })
        #expect(messages.contains { $0.hasPrefix("/input_schema/operation") && $0.contains("differs") })
    }

    /// Another catalogue's `operations:` written as documentation leaves the tool as it was.
    @Test func anOperationsListThatIsNotAMappingKeepsTheOneSchema() throws {
        let tool = try decode("""
            name: Notes
            type: executable
            command: notes
            input_schema: {operation: "string - add or list", text: "string - the note"}
            operations: ["add: adds a note", "list: lists them"]
            """)
        #expect(OperationSchemas.branches(of: tool.inputSchema) == nil)
        #expect(tool.inputSchema["properties"]?.objectValue?.keys == ["operation", "text"])
        #expect(tool.diagnostics.map(\.severity) == [.warning])
        let valid = SchemaValidator.validate(["operation": "add", "text": "x", "other": 1], against: tool.inputSchema)
        #expect(valid.isValid)
    }

    // MARK: The wire form for MCP and OpenAI

    /// Anthropic's API refuses a tool whose input schema has oneOf/anyOf/allOf at its top
    /// level, and fails every request that lists it.
    @Test func theWireFormHasNoTopLevelCombinatorAndEveryFieldAtTheTop() throws {
        let tool = try decode()
        let wire = try #require(ToolDescription.mcp(tool)["inputSchema"]?.objectValue)
        #expect(wire["oneOf"] == nil && wire["anyOf"] == nil && wire["allOf"] == nil)
        #expect(wire["type"] == "object")
        #expect(wire["properties"]?.objectValue?.keys == ["operation", "bug_id", "resolution", "search", "limit"])
        #expect(wire["properties"]?["limit"]?["default"] == nil)  // a client filling it in would break count_bugs
        let summary = wire["properties"]?["operation"]?["description"]?.stringValue ?? ""
        #expect(summary.contains("resolve_bug (bug_id*, resolution): Mark a bug resolved"))
        #expect(summary.contains("count_bugs: How many bugs there are"))
        #expect(ToolDescription.openAI(tool)["function"]?["parameters"] == .object(wire))
    }

    /// The `if`/`then`/`else` chain says what the `oneOf` says: both accept and refuse alike.
    @Test(arguments: [
        ["operation": "resolve_bug", "bug_id": "B1"], ["operation": "resolve_bug"], ["operation": "resolve_bug", "bug_id": "B1", "limit": 3],
        ["operation": "query_bugs", "limit": 0], ["operation": "query_bugs", "search": "x", "limit": 5], ["operation": "count_bugs"],
        ["operation": "count_bugs", "bug_id": "B1"], ["operation": "nothing"], ["bug_id": "B1"], ["operation": "resolve_bug", "bug_id": 7],
    ] as [JSONValue])
    func theWireFormAcceptsAndRefusesWhatTheOneOfDoes(input: JSONValue) throws {
        let tool = try decode()
        let wire = OperationSchemas.wireSchema(tool.inputSchema)
        let canonical = SchemaValidator.validate(input, against: tool.inputSchema)
        let sent = SchemaValidator.validate(input, against: wire)
        #expect(canonical.isValid == sent.isValid, "\(input): oneOf \(canonical.violations), wire \(sent.violations)")
        if canonical.isValid { #expect(canonical.value == sent.value) }
    }

    @Test func ifThenElseIsValidatedWherever() {
        let schema: JSONValue = [
            "type": "object",
            "if": ["properties": ["kind": ["const": "file"]], "required": ["kind"]],
            "then": ["required": ["path"]],
            "else": ["properties": ["path": false]],
        ]
        #expect(violations(["kind": "file"], schema) == ["/path is required"])
        #expect(violations(["kind": "file", "path": "/x"], schema).isEmpty)
        #expect(violations(["kind": "url", "path": "/x"], schema) == ["/path is not allowed here"])
    }
}
