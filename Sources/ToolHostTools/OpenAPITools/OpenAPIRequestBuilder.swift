import ToolHostCore
import ToolHostNetwork

/// Builds the HTTP request of a call: the path with its parameters filled in and
/// percent-encoded, the query, the headers and the body, against the tool's base URL.
///
/// ```swift
/// var builder = OpenAPIRequestBuilder(method: "GET", path: "/status/{code}")
/// builder.fill(operation: op, parameters: ["code": 418])
/// builder.request(baseURL: "http://127.0.0.1:8080").url   // http://127.0.0.1:8080/status/418
/// ```
/// Values are written as OpenAPI's default styles write them: arrays as repeated query pairs
/// (`explode`, the default for queries) or comma-separated (paths, headers, `explode: false`);
/// objects as their properties' pairs in a query, else compact JSON.
struct OpenAPIRequestBuilder {
    var method: String
    /// The path with every parameter written in: already encoded.
    var path: String
    var query: [(name: String, value: String)] = []
    var headers: [(name: String, value: String)] = []
    var body: [UInt8]?

    init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    /// A generic request's path as given, with only what a URL cannot carry encoded.
    init(method: String, rawPath: String) {
        self.method = method
        self.path = Self.encodePath(rawPath)
    }

    /// Writes the operation's parameters into the path, the query and the headers, and the
    /// body as its media type wants it.
    mutating func fill(operation: OpenAPIOperation, parameters: JSONObject, body: JSONValue?) {
        for parameter in operation.parameters {
            guard let value = parameters[parameter.name], !value.isNull else { continue }
            switch parameter.location {
            case .path:
                path = path.replacing("{\(parameter.name)}", with: PercentEncoding.component(Self.joinedText(value)))
            case .query:
                addQuery(parameter.name, value, explode: parameter.explode)
            case .header:
                headers.append((parameter.name, Self.joinedText(value)))
            case .cookie:
                headers.append(("Cookie", "\(parameter.name)=\(PercentEncoding.component(Self.joinedText(value)))"))
            }
        }
        if let body {
            setBody(body, contentType: operation.body?.contentType ?? "application/json")
        }
    }

    mutating func addQuery(_ name: String, _ value: JSONValue, explode: Bool = true) {
        switch value {
        case .null: return
        case .array(let elements) where explode:
            for element in elements where !element.isNull { query.append((name, Self.text(element))) }
        case .object(let members) where explode:
            for (key, member) in members where !member.isNull { query.append((key, Self.text(member))) }
        default:
            query.append((name, Self.joinedText(value)))
        }
    }

    /// The body in `contentType`'s form, and that `Content-Type` unless the caller gave its own.
    mutating func setBody(_ value: JSONValue, contentType: String, addingHeader: Bool = true) {
        let type = contentType.lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded"), case .object(let members) = value {
            let pairs = members.filter { !$0.value.isNull }.map { "\(PercentEncoding.component($0.key))=\(PercentEncoding.component(Self.text($0.value)))" }
            body = Array(pairs.joined(separator: "&").utf8)
        } else if type.hasPrefix("text/"), case .string(let text) = value {
            body = Array(text.utf8)
        } else {
            body = JSONWriter.bytes(value)
        }
        if addingHeader { headers.append(("Content-Type", contentType)) }
    }

    /// The request against `baseURL` (its own path kept: `https://host/api/v1` + `/pets`).
    func request(baseURL: String) -> HTTPRequest {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        url += path.hasPrefix("/") ? path : "/" + path
        if !query.isEmpty {
            url += url.contains("?") ? "&" : "?"
            url += query.map { "\(PercentEncoding.component($0.name))=\(PercentEncoding.component($0.value))" }.joined(separator: "&")
        }
        var sent = headers.map { HTTPHeader($0.name, $0.value) }
        if !headers.contains(where: { $0.name.lowercased() == "accept" }) {
            sent.append(HTTPHeader("Accept", "application/json, */*;q=0.8"))
        }
        return HTTPRequest(method: method, url: url, headers: sent, body: body)
    }

    /// A scalar as text; arrays and objects as compact JSON.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .array, .object: JSONWriter.string(value)
        default: value.description
        }
    }

    /// Arrays comma-separated (OpenAPI's `simple` and unexploded `form` styles).
    static func joinedText(_ value: JSONValue) -> String {
        if case .array(let elements) = value { return elements.map(text).joined(separator: ",") }
        return text(value)
    }

    /// Keeps what RFC 3986 allows in a path (and `%`, so an encoded path stays as it is);
    /// encodes the rest (spaces, quotes, non-ASCII).
    static func encodePath(_ path: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%?".utf8)
        var output = ""
        for byte in path.utf8 {
            if allowed.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                output += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return output
    }
}
