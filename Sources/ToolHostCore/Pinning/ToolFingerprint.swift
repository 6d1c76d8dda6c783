/// The SHA-256 of what a tool does, over a canonical JSON text: its id, name, type,
/// description, handler, normalised input and output schemas, the whole executable block
/// (command, args, working dir, environment, sandbox, script path, timeout...), a custom tool's
/// class (module, class, config, python path, interpreter and its supervision), an openapi
/// tool's `openapi:` block and the annotations (a tool's nature decides which policy rule applies to it).
///
/// Formatting never counts: comments, key order, quoting and flat versus JSON Schema style all
/// disappear in parsing and normalisation; tags, examples and other descriptive keys are left
/// out. Anything an agent reads (the description, schema descriptions) or the host runs is in.
///
/// ```swift
/// tool.fingerprint  // "sha256:3f1c…" (71 characters)
/// ```
extension ToolDefinition {
    public var fingerprint: String { "sha256:" + SHA256.hex(bytes: JSONWriter.bytes(Self.canonical(.object(pinnedFields)))) }

    /// The fields the fingerprint covers, before canonical ordering.
    var pinnedFields: JSONObject {
        var fields: JSONObject = ["id": .string(id), "name": .string(name), "type": .string(type.name),
                                  "description": .string(description), "input_schema": inputSchema]
        if let handler { fields["handler"] = .string(handler) }
        if let outputSchema { fields["output_schema"] = outputSchema }
        if let executable { fields["executable"] = executable.json }
        if let custom { fields["custom"] = custom.json }
        // Where an openapi tool sends its calls and credentials (spec, base URL, auth).
        if type == .openapi, let block = document["openapi"] { fields["openapi"] = block }
        // Only when given, so that the fingerprints of tools without annotations stay as they
        // were approved; when given, pinned: they decide what the policy lets through.
        if !annotations.isEmpty { fields["annotations"] = annotations.json }
        return fields
    }

    /// `value` with every object's keys sorted (by their UTF-8 bytes), so equal definitions
    /// give equal text whatever order their YAML wrote the keys in.
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { ($0, canonical(object[$0] ?? .null)) }))
        case .array(let elements):
            return .array(elements.map(canonical))
        default:
            return value
        }
    }
}
