import Testing
@testable import ToolHostCore

@Suite("Normalising the input schemas of real catalogues")
struct SchemaNormalizerTests {
    private func normalize(_ yaml: String) throws -> (schema: JSONValue, diagnostics: [Diagnostic]) {
        var normalizer = SchemaNormalizer()
        let schema = normalizer.normalizeInputSchema(try YAMLDocument.parse(yaml).root, at: "/input_schema")
        return (schema, normalizer.diagnostics)
    }

    @Test func flatDescriptorsBecomeObjectSchemaWithRequiredList() throws {
        let (schema, diagnostics) = try normalize("""
            operation:
              type: "string"
              description: "What to do"
              required: true
            limit:
              type: "integer"
              required: false
              default: 100
            """)
        #expect(diagnostics.isEmpty)
        #expect(schema == [
            "type": "object",
            "properties": [
                "operation": ["type": "string", "description": "What to do"],
                "limit": ["type": "integer", "default": 100],
            ],
            "required": ["operation"],
        ])
    }

    static let stringDescriptors: [(String, JSONValue)] = [
        ("number - First operand", ["type": "number", "description": "First operand"]),
        ("string: the path", ["type": "string", "description": "the path"]),
        ("int", ["type": "integer"]),
        ("The user's name", ["description": "The user's name"]),
        ("any - whatever", ["description": "whatever"]),
    ]

    @Test(arguments: stringDescriptors)
    func plainStringDescriptorsAreRead(descriptor: String, expected: JSONValue) throws {
        let (schema, _) = try normalize("a: \"\(descriptor)\"\n")
        #expect(schema["properties"]?["a"] == expected)
    }

    @Test func requiredMarkerInStringDescriptorIsHonoured() throws {
        let (schema, _) = try normalize("a: \"string (required) - the thing\"\nb: \"string (optional) - other\"\n")
        #expect(schema["required"] == ["a"])
        #expect(schema["properties"]?["b"] == ["type": "string", "description": "other"])
    }

    @Test func jsonSchemaStyleKeepsStructureAndNormalisesTypeAliases() throws {
        let (schema, diagnostics) = try normalize("""
            type: object
            properties:
              items:
                type: list
                items: {type: dict, properties: {n: {type: float, required: true}}}
              mode: {type: str, enum: [fast, slow]}
            required: [items]
            additionalProperties: false
            """)
        #expect(diagnostics.isEmpty)
        #expect(schema["properties"]?["items"] == [
            "type": "array",
            "items": ["type": "object", "properties": ["n": ["type": "number"]], "required": ["n"]],
        ])
        #expect(schema["properties"]?["mode"]?["type"] == "string")
        #expect(schema["required"] == ["items"])
        #expect(schema["additionalProperties"] == false)
    }

    @Test func aFlatParameterNamedTypeIsNotMistakenForJSONSchema() throws {
        let (schema, _) = try normalize("type:\n  type: string\n  required: true\nname: \"string - a name\"\n")
        #expect(schema["properties"]?["type"] == ["type": "string"])
        #expect(schema["required"] == ["type"])
    }

    @Test func aFlatParameterNamedTypeWithAStringDescriptorStaysAParameter() throws {
        let (schema, _) = try normalize("type: \"string - record kind\"\nname: \"string\"\n")
        #expect(schema["properties"]?["type"] == ["type": "string", "description": "record kind"])
        #expect(schema["properties"]?["name"] == ["type": "string"])
    }

    @Test func tupleItemsBecomePrefixItemsWithoutComplaint() throws {
        let (schema, diagnostics) = try normalize("pair:\n  type: array\n  items: [{type: string}, {type: int}]\n")
        #expect(diagnostics.isEmpty)
        #expect(schema["properties"]?["pair"] == ["type": "array", "prefixItems": [["type": "string"], ["type": "integer"]]])
    }

    @Test func unsupportedKeywordsAndBadPatternPropertiesAreReported() throws {
        let (_, diagnostics) = try normalize("a: {$ref: \"#/$defs/x\"}\nb: {type: object, patternProperties: {\"(\": {type: string}}}\n")
        #expect(diagnostics.contains { $0.severity == .warning && $0.pointer == "/input_schema/a/$ref" })
        #expect(diagnostics.contains { $0.severity == .error && $0.pointer == "/input_schema/b/patternProperties/(" })
    }

    @Test func listStyleInputsAreReadByName() throws {
        let (schema, _) = try normalize("""
            - name: url
              type: string
              required: true
            - name: retries
              type: integer
              default: 3
            """)
        #expect(schema["properties"]?["url"] == ["type": "string"])
        #expect(schema["properties"]?["retries"] == ["type": "integer", "default": 3])
        #expect(schema["required"] == ["url"])
    }

    @Test func optionsAndRangeBecomeEnumAndBounds() throws {
        let (schema, _) = try normalize("k:\n  type: integer\n  range: [1, 50]\nmode:\n  type: string\n  options: [a, b]\n")
        #expect(schema["properties"]?["k"] == ["type": "integer", "minimum": 1, "maximum": 50])
        #expect(schema["properties"]?["mode"] == ["type": "string", "enum": ["a", "b"]])
    }

    @Test func unknownTypesAreWarnedAboutAndLeftUnchecked() throws {
        let (schema, diagnostics) = try normalize("a:\n  type: frobnicator\n")
        #expect(schema["properties"]?["a"] == [:])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == .warning)
        #expect(diagnostics.first?.pointer == "/input_schema/a/type")
    }

    @Test func badKeywordsAndDefaultsThatBreakTheirSchemaAreReported() throws {
        let (_, diagnostics) = try normalize("""
            a: {type: integer, minimum: low}
            b: {type: string, pattern: "(unclosed"}
            c: {type: integer, default: "ten"}
            d: 42
            """)
        let pointers = diagnostics.map { $0.pointer ?? "" }
        #expect(pointers.contains("/input_schema/a/minimum"))
        #expect(pointers.contains("/input_schema/b/pattern"))
        #expect(pointers.contains("/input_schema/c/default"))
        #expect(pointers.contains("/input_schema/d"))
    }

    @Test func missingOrNullSchemaAcceptsAnObject() {
        var normalizer = SchemaNormalizer()
        #expect(normalizer.normalizeInputSchema(nil, at: "") == ["type": "object", "properties": [:]])
        #expect(normalizer.normalizeInputSchema(.null, at: "") == ["type": "object", "properties": [:]])
    }
}
