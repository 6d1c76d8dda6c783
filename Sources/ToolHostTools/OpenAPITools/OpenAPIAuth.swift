import ToolHostCore

/// How an openapi tool proves who it is: `auth: {type: bearer|header|query|basic, env: VAR,
/// name: ...}`. The secret is only ever read from the environment variable `env`, at call
/// time, and never appears in an answer or an error (errors name the variable, not its value).
///
/// - `bearer`: `Authorization: Bearer <value>`;
/// - `header`: header `name` (default `X-API-Key`) set to the value;
/// - `query`: query parameter `name` (default `api_key`) set to the value;
/// - `basic`: `Authorization: Basic base64(user:password)`; the variable holds `user:password`,
///   or only the password when the block gives `username`.
public struct OpenAPIAuth: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case bearer, header, query, basic }

    public let kind: Kind
    public let variable: String
    public let name: String?
    public let username: String?

    struct Problem: Error { let problem: String }

    init(_ raw: JSONValue) throws(Problem) {
        guard case .object(let block) = raw else { throw Problem(problem: "must be a mapping {type, env}, not \(raw.typeName)") }
        let typeName = block["type"]?.stringValue?.lowercased() ?? "bearer"
        guard let kind = Kind(rawValue: typeName) else {
            throw Problem(problem: "has the type '\(typeName.openAPIClipped)'; known: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let variable = (block["env"] ?? block["env_var"])?.stringValue, !variable.isEmpty else {
            throw Problem(problem: "needs 'env', the environment variable that holds the secret")
        }
        self.kind = kind
        self.variable = variable
        self.name = block["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        self.username = block["username"]?.stringValue
    }

    /// What the request gets: headers and query pairs. Throws `credential_missing` when the
    /// variable is unset or empty.
    func credentials(toolID: String, environment: [String: String]) throws(ToolHostError) -> (headers: [(String, String)], query: [(String, String)]) {
        guard let secret = environment[variable], !secret.isEmpty else {
            throw ToolHostError(.credentialMissing,
                                "Tool '\(toolID)' takes its \(kind.rawValue) credential from the environment variable \(variable), which is not set; set it where ToolHost runs.",
                                details: ["variable": .string(variable)])
        }
        switch kind {
        case .bearer: return ([("Authorization", "Bearer " + secret)], [])
        case .header: return ([(name ?? "X-API-Key", secret)], [])
        case .query: return ([], [(name ?? "api_key", secret)])
        case .basic:
            let pair = username.map { "\($0):\(secret)" } ?? secret
            return ([("Authorization", "Basic " + Base64.encode(pair.utf8))], [])
        }
    }

    /// The secrets an error text must never show (the variable's value and its basic form).
    func secrets(environment: [String: String]) -> [String] {
        guard let secret = environment[variable], !secret.isEmpty else { return [] }
        return [secret]
    }
}
