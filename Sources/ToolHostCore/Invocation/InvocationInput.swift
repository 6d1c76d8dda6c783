/// Reads the one JSON object a tool call takes, with a clear error for each way it can be wrong:
/// empty, not UTF-8, not JSON, or JSON that is not an object.
public enum InvocationInput {
    public static func parse(_ bytes: [UInt8], source: String = "stdin") throws(ToolHostError) -> JSONObject {
        guard !bytes.isBlankJSONText else {
            throw ToolHostError(.invalidJSON, "The input on \(source) is empty; send one JSON object, for example {}.")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, options: .request)
        } catch {
            throw ToolHostError(.invalidJSON, "The input on \(source) is not valid JSON: \(error).",
                                details: ["line": .int(error.line), "column": .int(error.column)])
        }
        guard case .object(let object) = value else {
            throw ToolHostError.invalidInput([Violation(path: "", message: "must be a JSON object, not \(value.kindPhrase)")])
        }
        return object
    }
}
