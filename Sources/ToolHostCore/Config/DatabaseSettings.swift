/// Where ToolHost keeps its data: the embedded SQLite file by default, PostgreSQL when
/// configured. Plain settings; the drivers live in ToolHostStorage.
public struct DatabaseSettings: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case sqlite, postgres
    }

    public var kind: Kind = .sqlite
    /// SQLite: absolute path of the database file.
    public var path: String
    /// PostgreSQL: a `postgresql://` URL; when set it wins over the separate fields.
    public var url: String?
    public var host = "localhost"
    public var port = 5432
    public var database = "toolhost"
    public var user = "postgres"
    public var password: String?
    public var poolMin = 1
    public var poolMax = 10
    public var connectTimeoutSeconds: Double = 10
    /// Upper bound for one statement; 0 means none.
    public var statementTimeoutSeconds: Double = 60
    /// Refuse every write through the SQL tools (`postgres_client`).
    public var readOnly = false
    /// Whether tools registered through ToolHost are also kept in the `generated_tools` table.
    public var storeGeneratedTools = true

    public init(path: String) { self.path = path }

    /// "host:port/database" or the SQLite path: names the target in messages, never the password.
    public var displayName: String {
        switch kind {
        case .sqlite: return path
        case .postgres:
            if let url { return Self.redacted(url) }
            return "\(host):\(port)/\(database)"
        }
    }

    /// The URL without its password (`postgresql://user:***@host/db`).
    static func redacted(_ url: String) -> String {
        let characters = Array(url)
        guard let schemeEnd = (0..<max(characters.count - 2, 0)).first(where: { characters[$0] == ":" && characters[$0 + 1] == "/" && characters[$0 + 2] == "/" }),
              let at = characters[(schemeEnd + 3)...].firstIndex(of: "@"),
              let colon = characters[(schemeEnd + 3)..<at].firstIndex(of: ":") else { return url }
        return String(characters[..<(colon + 1)]) + "***" + String(characters[at...])
    }
}
