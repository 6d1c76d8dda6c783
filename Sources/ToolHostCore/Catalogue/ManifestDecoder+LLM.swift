/// The input schema of a `type: llm` tool that declares none: what its prompt needs, so that
/// `describe`, MCP `tools/list` and validation tell a caller what to pass. With a
/// `prompt_template`, each `{name}` placeholder is a required field (text, a number or a flag,
/// as `str.format` takes them); without one, the input's `prompt` (text) is. A template that cannot be read gives no schema here: the call reports
/// it (`invalid_tool_definition` naming the field).
extension ManifestDecoder {
    func derivedLLMInputSchema() -> JSONValue? {
        guard let type = map["type"]?.stringValue, ToolType(name: type) == .llm else { return nil }
        let template = map["llm"]?["prompt_template"]?.stringValue
        let names: [String]
        if let template {
            guard let found = Self.placeholderNames(in: template) else { return nil }
            names = found
        } else {
            names = ["prompt"]
        }
        var fields = JSONObject()
        for name in names {
            if template == nil {
                fields[name] = ["type": "string", "required": true, "description": "The text sent to the model"]
            } else {
                // str.format takes any value (a count, a flag): so does a placeholder.
                fields[name] = ["type": ["string", "number", "integer", "boolean"], "required": true,
                                "description": .string("Fills {\(name)} in the prompt template")]
            }
        }
        return .object(fields)
    }

    /// The `{name}` fields of a `str.format` template in order of first use (`{{`/`}}` are
    /// literal braces); nil for anything else (positional fields, format specs, lone braces).
    static func placeholderNames(in template: String) -> [String]? {
        var names: [String] = []
        var characters = Substring(template)
        while let character = characters.first {
            characters = characters.dropFirst()
            if character == "}" {
                guard characters.first == "}" else { return nil }
                characters = characters.dropFirst()
            } else if character == "{" {
                if characters.first == "{" {
                    characters = characters.dropFirst()
                    continue
                }
                guard let close = characters.firstIndex(of: "}") else { return nil }
                let name = String(characters[..<close])
                let valid = name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
                guard valid, let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return nil }
                if !names.contains(name) { names.append(name) }
                characters = characters[characters.index(after: close)...]
            }
        }
        return names
    }
}
