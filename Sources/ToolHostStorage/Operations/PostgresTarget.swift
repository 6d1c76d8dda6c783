import ToolHostCore

/// How pg_dump, pg_restore and psql reach the configured database without the password on
/// their command line (where `ps` would show it): the connection goes in arguments, the
/// password in the child's `PGPASSWORD`.
public struct PostgresTarget: Sendable {
    /// `--dbname=URL` (the URL without its password) or `--host`/`--port`/`--username`/`--dbname`.
    public let arguments: [String]
    /// Added to the child's environment: `PGPASSWORD` when there is a password.
    public let environment: [String: String]

    public init(_ settings: DatabaseSettings) {
        var environment = ["PGAPPNAME": "toolhost", "PGCONNECT_TIMEOUT": String(max(1, Int(settings.connectTimeoutSeconds.rounded(.up))))]
        if let url = settings.url {
            let (withoutPassword, password) = Self.splitPassword(url)
            arguments = ["--dbname=\(withoutPassword)"]
            if let password { environment["PGPASSWORD"] = password }
        } else {
            arguments = ["--host=\(settings.host)", "--port=\(settings.port)", "--username=\(settings.user)", "--dbname=\(settings.database)"]
            if let password = settings.password { environment["PGPASSWORD"] = password }
        }
        self.environment = environment
    }

    /// `postgresql://user:pw@host/db?password=pw2` → (`postgresql://user@host/db`, "pw2" or "pw"),
    /// the password percent-decoded. A query `password=` wins, as it does for libpq.
    static func splitPassword(_ url: String) -> (url: String, password: String?) {
        let characters = Array(url)
        guard let colon = (0..<max(characters.count - 2, 0)).first(where: { characters[$0] == ":" && characters[$0 + 1] == "/" && characters[$0 + 2] == "/" }) else {
            return (url, nil)
        }
        let scheme = String(characters[..<(colon + 3)])
        var rest = Substring(String(characters[(colon + 3)...]))
        var query = ""
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<slash])
        let path = String(rest[slash...])
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                password = userInfo[userInfo.index(after: colon)...].percentDecoded
                authority = String(userInfo[..<colon]) + String(authority[at...])
            }
        }
        var kept: [String] = []
        for parameter in query.split(separator: "&", omittingEmptySubsequences: true) {
            if parameter.hasPrefix("password=") {
                password = parameter.dropFirst("password=".count).percentDecoded
            } else {
                kept.append(String(parameter))
            }
        }
        let rebuilt = scheme + authority + path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        return (rebuilt, password)
    }
}
