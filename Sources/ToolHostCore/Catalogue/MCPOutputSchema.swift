/// A tool's answer schema as MCP's `outputSchema`, and its successful answers as the
/// `structuredContent` that schema promises.
///
/// MCP requires an `outputSchema` whose root is an object schema (`"type": "object"`). A tool
/// whose schema is anything else (an array, a string, a schema without a root type) is sent the
/// way the official Python SDK's FastMCP sends such tools: its schema under a `result`
/// property, and each answer as `{"result": answer}`. The host checks the answer itself against
/// the tool's own schema either way (`OutputSchemaCheck`). Schemas go out as written: MCP reads
/// a schema without `$schema` as JSON Schema draft 2020-12.
public enum MCPOutputSchema {
    /// The property that carries an answer whose schema is not an object schema.
    public static let wrapKey = "result"

    /// Whether MCP can take `schema` as it is.
    public static func isObjectSchema(_ schema: JSONValue) -> Bool {
        schema["type"]?.stringValue == "object"
    }

    /// The `outputSchema` of a tool whose answers follow `schema`.
    public static func wire(_ schema: JSONValue) -> JSONValue {
        guard !isObjectSchema(schema) else { return schema }
        return ["type": "object", "properties": .object([wrapKey: schema]), "required": [.string(wrapKey)]]
    }

    /// The `structuredContent` of a successful answer of a tool whose answers follow `schema`
    /// (nil: the tool declares none, and only an object answer is structured content).
    public static func structuredContent(of answer: JSONValue, schema: JSONValue?) -> JSONValue? {
        if let schema, !isObjectSchema(schema) { return .object([wrapKey: answer]) }
        if case .object = answer { return answer }
        return nil
    }
}
