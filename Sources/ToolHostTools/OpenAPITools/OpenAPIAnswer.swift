import ToolHostCore
import ToolHostNetwork

/// Turns the API's response into the tool's answer: `{"success": true, "status": 200, "data":
/// ...}` for 2xx, where `data` is the parsed JSON when the body is JSON and its text otherwise
/// (null when empty); any other status is the error `http_error` carrying `status` and `data`
/// the same way, so a caller reads the API's own complaint.
enum OpenAPIAnswer {
    static func answer(_ response: HTTPResponse, call: String, toolID: String, secrets: [String]) throws(ToolHostError) -> JSONValue {
        let data = Self.data(of: response)
        guard (200..<300).contains(response.status) else {
            // An API may echo what it was sent (httpbin's /headers does): the secret stays out.
            throw ToolHostError(.httpError, "Tool '\(toolID)': \(call) answered HTTP \(response.status); its body is in 'data'.",
                                details: ["status": .int(response.status), "data": scrub(data, secrets)])
        }
        return ["success": true, "status": .int(response.status), "data": data]
    }

    static func data(of response: HTTPResponse) -> JSONValue {
        guard !response.body.isEmpty else { return .null }
        let type = response.header("Content-Type")?.lowercased() ?? ""
        let looksJSON = type.contains("json") || type.isEmpty || response.body.first == UInt8(ascii: "{") || response.body.first == UInt8(ascii: "[")
        if looksJSON, let value = try? JSONParser.parse(response.body) { return value }
        return .string(String(decoding: response.body, as: UTF8.self))
    }

    /// `value` with every occurrence of a secret in its text replaced by `***`.
    static func scrub(_ value: JSONValue, _ secrets: [String]) -> JSONValue {
        guard !secrets.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(scrub(text, secrets))
        case .array(let elements): return .array(elements.map { scrub($0, secrets) })
        case .object(let members): return .object(JSONObject(members.map { (scrub($0.key, secrets), scrub($0.value, secrets)) }))
        default: return value
        }
    }

    static func scrub(_ text: String, _ secrets: [String]) -> String {
        secrets.filter { $0.utf8.count >= 3 }.reduce(text) { $0.replacing($1, with: CredentialRedaction.mask) }
    }
}
