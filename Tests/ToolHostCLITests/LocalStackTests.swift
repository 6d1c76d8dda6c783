import Foundation
import Testing
import ToolHostTestSupport
import ToolHostCore
import ToolHostStorage
import ToolHostTools

/// The local development stack: docker-compose.localdev.yml, .env.example and deploy/. No
/// Docker engine runs here, so what can be checked for real is: the compose file's shape, that
/// every credential comes from .env and none in the template is real, that ToolHost reads the
/// variables the template sets, and that every query of the Grafana dashboard runs — as the
/// read-only role the stack gives Grafana — on the real PostgreSQL of the test suite and finds
/// the data the real binary stored.
@Suite("Local development stack")
struct LocalStackTests {
    let fixture = CLIFixture()

    @Test func composeServicesArePinnedHealthCheckedAndKeepDataInNamedVolumes() throws {
        let compose = try LocalStack.yaml("docker-compose.localdev.yml")
        let services = try #require(compose["services"]?.objectValue)
        #expect(Set(services.keys) == ["postgres", "qdrant", "redis", "grafana"])
        let declaredVolumes = Set(compose["volumes"]?.objectValue?.keys ?? [])
        var usedVolumes: Set<String> = []
        // Repository and the version line each service is pinned within.
        let pins = ["postgres": ("postgres", "16."), "qdrant": ("qdrant/qdrant", "v1."), "redis": ("redis", "7."),
                    "grafana": ("grafana/grafana", "11.")]
        for (name, service) in services {
            let image = service["image"]?.stringValue ?? ""
            let colon = image.lastIndex(of: ":")
            let repository = colon.map { String(image[..<$0]) } ?? image
            let tag = colon.map { String(image[image.index(after: $0)...]) } ?? ""
            #expect(repository == pins[name]?.0, "\(name): image \(image)")
            #expect(tag.hasPrefix(pins[name]?.1 ?? "?") && tag.split(separator: ".").count >= 2,
                    "\(name): the image must be pinned to a version (major.minor at least), not '\(tag)'")
            #expect(!tag.contains("latest"), "\(name): \(image)")

            let test = service["healthcheck"]?["test"]
            let command = test?.arrayValue?.compactMap(\.stringValue) ?? test?.stringValue.map { [$0] } ?? []
            #expect(command.count >= (command.first?.hasPrefix("CMD") == true ? 2 : 1) && command.first != "NONE",
                    "\(name) has no healthcheck test")

            for port in service["ports"]?.arrayValue ?? [] {
                #expect(port.stringValue?.hasPrefix("127.0.0.1:") == true, "\(name): port \(port) must be bound to 127.0.0.1")
            }
            for volume in service["volumes"]?.arrayValue ?? [] {
                let parts = (volume.stringValue ?? "").split(separator: ":").map(String.init)
                let source = parts.first ?? ""
                if source.hasPrefix(".") || source.hasPrefix("/") {
                    // Bind mounts are for the stack's own read-only configuration only.
                    #expect(source.hasPrefix("./deploy/") && parts.last == "ro", "\(name): bind mount \(volume)")
                    #expect(FileManager.default.fileExists(atPath: LocalStack.path(source)), "\(name): \(source) does not exist")
                } else {
                    #expect(declaredVolumes.contains(source), "\(name): volume '\(source)' is not declared under volumes:")
                    usedVolumes.insert(source)
                }
            }
        }
        #expect(usedVolumes == declaredVolumes)

        // Grafana loads the dashboards from where compose mounts them.
        let provider = try LocalStack.yaml("deploy/grafana/provisioning/dashboards/toolhost.yaml")
        let dashboardPath = try #require(provider["providers"]?[0]?["options"]?["path"]?.stringValue)
        let grafanaMounts = services["grafana"]?["volumes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(grafanaMounts.contains { $0.split(separator: ":").dropFirst().first.map(String.init) == dashboardPath })
    }

    @Test func everyCredentialComesFromTheEnvFileAndTheTemplateHasNoRealSecret() throws {
        let template = try LocalStack.envTemplate()
        let defined = Set(template.map { $0.name })
        #expect(defined.count == template.count, "a variable is defined twice in .env.example")

        let compose = try LocalStack.text("docker-compose.localdev.yml")
        let missing = LocalStack.variableReferences(in: compose).subtracting(defined)
        #expect(missing.isEmpty, "docker-compose.localdev.yml uses \(missing.sorted()) that .env.example does not define")
        for (index, entry) in template.enumerated() {
            let earlier = Set(template.prefix(index).map { $0.name })
            let unknown = LocalStack.variableReferences(in: entry.value).subtracting(earlier)
            #expect(unknown.isEmpty, "\(entry.name) refers to \(unknown.sorted()) before it is defined")
        }

        // What the containers expand themselves must be in their environment.
        let services = try #require(try LocalStack.yaml("docker-compose.localdev.yml")["services"])
        let grafanaEnvironment = Set(services["grafana"]?["environment"]?.objectValue?.keys ?? [])
        let datasource = try LocalStack.text("deploy/grafana/provisioning/datasources/toolhost-postgres.yaml")
        #expect(LocalStack.variableReferences(in: datasource).subtracting(grafanaEnvironment).isEmpty)
        let postgresEnvironment = Set(services["postgres"]?["environment"]?.objectValue?.keys ?? [])
        let initScript = try LocalStack.text(LocalStack.readerScript)
        #expect(LocalStack.variableReferences(in: initScript).subtracting(postgresEnvironment).isEmpty)

        for (name, value) in template {
            let upper = name.uppercased()
            if ["PASSWORD", "SECRET", "TOKEN"].contains(where: { upper.contains($0) }) || upper.hasSuffix("_KEY") {
                #expect(value.hasPrefix("change-me"), "\(name) must be a change-me placeholder in .env.example")
            }
            #expect(!LocalStack.looksLikeAKey(value), "\(name) looks like a real key")
            // Credentials inside a URL only by reference to a placeholder variable.
            if let scheme = value.range(of: "://") {
                let authority = value[scheme.upperBound...].prefix { $0 != "/" }
                if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                    let password = authority[authority.index(after: colon)..<at]
                    #expect(password.isEmpty || password.hasPrefix("${"), "\(name) has a password written into its URL")
                }
            }
        }
        let ignored = try LocalStack.text(".gitignore").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(ignored.contains(".env"), ".env holds the real credentials: .gitignore must list it")
    }

    @Test func toolHostReadsTheVariablesTheTemplateSets() throws {
        var environment: [String: String] = [:]
        for (name, value) in try LocalStack.envTemplate() {
            var expansion = EnvironmentExpansion(environment: environment)  // as `. ./.env` does
            environment[name] = try expansion.expand(value)
        }
        let config = try ConfigLoader.load(environment: environment, currentDirectory: fixture.directory.url("empty"),
                                           sections: HostSections.all)
        #expect(config.database.kind == .postgres)
        #expect(config.database.host == environment["POSTGRES_HOST"])
        #expect(String(config.database.port) == environment["POSTGRES_PORT"])
        #expect(config.database.database == environment["POSTGRES_DB"])
        #expect(config.database.user == environment["POSTGRES_USER"])
        #expect(config.database.password == environment["POSTGRES_PASSWORD"])
        #expect(config.streaming.backend == .redis)
        #expect(config.streaming.url == "redis://:\(environment["REDIS_PASSWORD"] ?? "?")@127.0.0.1:\(environment["REDIS_PORT"] ?? "?")/0")
        // The ports ToolHost connects to are the ports compose publishes.
        let compose = try LocalStack.text("docker-compose.localdev.yml")
        #expect(compose.contains("\"127.0.0.1:${POSTGRES_PORT:-\(config.database.port)}:5432\""))
        #expect(compose.contains("\"127.0.0.1:${REDIS_PORT:-\(environment["REDIS_PORT"] ?? "?")}:6379\""))
    }

    @Test func everyDashboardQueryRunsAsGrafanasReaderAndFindsTheStoredData() throws {
        let database = try TestDatabase(.postgres)
        let server = try LocalStack.postgresVariables(try #require(database.settings.url))
        let reader = "grafana_reader_" + UUID().uuidString.prefix(8).lowercased()
        defer {
            if let owner = try? database.connect() {
                try? owner.executeScript("DROP OWNED BY \(reader)")
                try? owner.executeScript("DROP ROLE IF EXISTS \(reader)")
            }
        }
        // The stack's init script runs on the empty database, before ToolHost creates a table.
        let script = try LocalStack.runScript(LocalStack.readerScript, environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "PGHOST": server["POSTGRES_HOST"] ?? "", "PGPORT": server["POSTGRES_PORT"] ?? "",
            "POSTGRES_USER": server["POSTGRES_USER"] ?? "", "POSTGRES_DB": server["POSTGRES_DB"] ?? "",
            "GRAFANA_DB_USER": reader, "GRAFANA_DB_PASSWORD": "change-me",
        ])
        try #require(script.status == 0, "\(LocalStack.readerScript) failed: \(script.output)")

        // Data through the real binary, configured by the POSTGRES_* variables as .env does;
        // every call is also recorded as an invocation.
        func run(_ tool: String, _ input: String) throws -> ToolHostBinary.Result {
            try fixture.run(["run", tool, "--tools-dir", fixture.directory.url("tools"), "--tools-dir", ToolHostPaths.shippedTools],
                            input: input, environment: server.merging(["TOOLHOST_AGENT_ID": "local-stack"]) { $1 })
        }
        let start = Date()
        #expect(try run("echo", #"{"message": "hi"}"#).status == 0)
        #expect(try run("fail", "{}").status == 3)
        for (tool, input) in [
            ("bulk_data_store", #"{"operation": "store_log", "tool_id": "parser", "log_level": "error", "message": "timed out"}"#),
            ("bulk_data_store", #"{"operation": "store_bug", "bug_id": "bug-open", "tool_id": "parser", "severity": "critical", "message": "KeyError", "stack_trace": "Traceback: KeyError 'x'"}"#),
            ("bulk_data_store", #"{"operation": "store_bug", "bug_id": "bug-fixed", "tool_id": "parser", "severity": "low", "message": "typo"}"#),
            ("bulk_data_store", #"{"operation": "resolve_bug", "bug_id": "bug-fixed"}"#),
            ("training_data_store", #"{"operation": "store_agent_events", "events": [{"event_type": "plan"}, {"event_type": "act"}]}"#),
            ("training_data_store", #"{"operation": "store_workflow_data", "workflow_id": "w-1", "phase": "plan"}"#),
        ] {
            let result = try run(tool, input)
            try #require(result.status == 0, "\(tool): \(result.stdoutText) \(result.stderr)")
        }
        let owner = try database.connect()
        let recorded = try owner.run("""
            SELECT count(*) AS calls, count(*) FILTER (WHERE success IS NOT TRUE) AS failed
            FROM training_data.training_tool_executions
            """).rows[0]

        var readerSettings = database.settings
        readerSettings.url = LocalStack.url(database.settings.url ?? "", user: reader)
        let grafana = try DatabaseConnector.connect(readerSettings)
        let queries = try LocalStack.dashboardQueries()
        try #require(queries.count >= 5)
        let now = LocalStack.rangeText(start.addingTimeInterval(-3600), Date().addingTimeInterval(3600))
        let past = LocalStack.rangeText(Date(timeIntervalSince1970: 946_684_800), Date(timeIntervalSince1970: 946_771_200))
        var answers: [String: [JSONObject]] = [:]
        for query in queries {
            #expect(query.datasource == "toolhost-postgres", "\(query.panel) uses another datasource")
            do {
                let rows = try grafana.run(try LocalStack.expand(query.sql, from: now.from, to: now.to)).rows
                #expect(!rows.isEmpty, "\(query.panel) found none of the stored data")
                if query.format == "time_series" { #expect(rows.first?["time"] != nil, "\(query.panel) has no time column") }
                answers[query.panel] = rows
                // A range before any data: the time filter is on the column the data is in.
                if query.sql.contains("$__timeFilter") {
                    let old = try grafana.run(try LocalStack.expand(query.sql, from: past.from, to: past.to)).rows
                    #expect(LocalStack.onlyZeros(old), "\(query.panel) found rows outside its time range: \(old)")
                }
            } catch {
                Issue.record("\(query.panel): \(error)\n\(query.sql)")
            }
        }

        let invocations = try #require(answers["Invocations"])
        #expect(invocations.compactMap { $0["calls"]?.numberValue }.reduce(0, +) == recorded["calls"]?.numberValue)
        #expect(invocations.compactMap { $0["failed"]?.numberValue }.reduce(0, +) == recorded["failed"]?.numberValue)
        let failures = try #require(answers["Failures by tool"])
        #expect(failures.contains { $0["tool"] == "fail" } && !failures.contains { $0["tool"] == "echo" })
        let latencyByTool = try #require(answers["Latency by tool"])
        #expect(latencyByTool.contains { $0["tool"] == "echo" })
        let percentiles = try #require(answers["Latency percentiles"])
        #expect(percentiles.allSatisfy { $0["p99"]?.numberValue != nil })
        let volume = try #require(answers["Training data stored, by type"])
        let types = Set(volume.compactMap { $0["metric"]?.stringValue })
        #expect(types.isSuperset(of: ["events", "workflows", "tool_executions"]))
        let logLines = try #require(answers["Log lines by level"])
        #expect(logLines.contains { $0["metric"] == "error" })
        let openBugCount = try #require(answers["Open bugs"])
        #expect(openBugCount.first?["open bugs"]?.numberValue == 1)  // the resolved one is not counted
        let openBugs = try #require(answers["Open bugs, most severe first"])
        #expect(openBugs.map { $0["bug"] } == ["bug-open"])
    }
}

/// Reading the stack's files, and doing what Grafana and the shell do with them.
enum LocalStack {
    static let readerScript = "deploy/postgres/initdb/10-grafana-reader.sh"

    static func path(_ relative: String) -> String {
        FilePath.join(ToolHostPaths.packageRoot, relative.hasPrefix("./") ? String(relative.dropFirst(2)) : relative)
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static func text(_ relative: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path(relative)) else { throw Missing(description: "\(relative) is missing") }
        return String(decoding: data, as: UTF8.self)
    }

    /// A YAML file of the stack, read by ToolHost's own YAML parser.
    static func yaml(_ relative: String) throws -> JSONValue {
        try YAMLDocument.parse(text(relative)).root
    }

    /// `NAME=value` lines of .env.example, in order (comments and blank lines skipped).
    static func envTemplate() throws -> [(name: String, value: String)] {
        var entries: [(name: String, value: String)] = []
        for line in try text(".env.example").split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            guard let equals = trimmed.firstIndex(of: "=") else { throw Missing(description: ".env.example: '\(trimmed)' is not NAME=value") }
            entries.append((name: String(trimmed[..<equals]), value: String(trimmed[trimmed.index(after: equals)...])))
        }
        return entries
    }

    /// Names used as `$NAME` or `${NAME...}`; `$$` (compose's escape) is skipped.
    static func variableReferences(in text: String) -> Set<String> {
        let characters = Array(text)
        var names: Set<String> = []
        var index = 0
        func isNameCharacter(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber || character == "_")
        }
        while index < characters.count - 1 {
            guard characters[index] == "$" else { index += 1; continue }
            if characters[index + 1] == "$" { index += 2; continue }
            var start = index + 1
            if characters[start] == "{" { start += 1 }
            var end = start
            while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
            if end > start, !characters[start].isNumber { names.insert(String(characters[start..<end])) }
            index = max(end, index + 1)
        }
        return names
    }

    /// A long run of key-like characters with letters and digits mixed, not a placeholder.
    static func looksLikeAKey(_ value: String) -> Bool {
        guard value.count >= 20, !value.hasPrefix("change-me") else { return false }
        let keyCharacters = value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=_-".contains($0)) }
        return keyCharacters && value.contains(where: \.isLetter) && value.contains(where: \.isNumber)
    }

    /// Whether every number in `rows` is 0 (no rows at all included): what a query answers
    /// for a time range without data, grouped (no rows) or not (a count of 0).
    static func onlyZeros(_ rows: [JSONObject]) -> Bool {
        rows.allSatisfy { row in row.allSatisfy { member in member.value.numberValue.map { $0 == 0 } ?? true } }
    }

    /// The test server's URL (`postgresql://USER@/DB?host=DIR&port=N`, or with a host:port) as
    /// the POSTGRES_* variables .env.example sets for the stack.
    static func postgresVariables(_ url: String) throws -> [String: String] {
        guard let scheme = url.range(of: "://") else { throw Missing(description: "not a PostgreSQL URL: \(url)") }
        let parts = url[scheme.upperBound...].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let location = parts[0]
        let authority = location.prefix { $0 != "/" }
        var variables = ["POSTGRES_DB": String(location.dropFirst(authority.count + 1))]
        let at = authority.lastIndex(of: "@")
        let userInfo = at.map { authority[..<$0] } ?? ""
        let hostPort = at.map { authority[authority.index(after: $0)...] } ?? authority
        let user = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        variables["POSTGRES_USER"] = user.first.map(String.init)
        if user.count > 1 { variables["POSTGRES_PASSWORD"] = String(user[1]) }
        let host = hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        variables["POSTGRES_HOST"] = host.first.map(String.init)
        if host.count > 1 { variables["POSTGRES_PORT"] = String(host[1]) }
        let names = ["host": "POSTGRES_HOST", "port": "POSTGRES_PORT", "user": "POSTGRES_USER", "dbname": "POSTGRES_DB"]
        for item in parts.count > 1 ? parts[1].split(separator: "&") : [] {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2, let name = names[String(pair[0])] {
                variables[name] = String(pair[1]).removingPercentEncoding ?? String(pair[1])
            }
        }
        return variables.filter { !$0.value.isEmpty }
    }

    /// `url` with its user replaced by `user` (and no password).
    static func url(_ url: String, user: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        let hostPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        return "\(url[..<scheme.upperBound])\(user)@\(hostPort)\(rest.dropFirst(authority.count))"
    }

    static func runScript(_ relative: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [path(relative)]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    // MARK: The dashboard and Grafana's PostgreSQL macros

    struct DashboardQuery {
        let panel: String
        let sql: String
        let format: String
        let datasource: String?
    }

    /// Every `rawSql` target of the dashboard (rows' nested panels included), with its panel's title.
    static func dashboardQueries() throws -> [DashboardQuery] {
        let dashboard = try JSONParser.parse(text("deploy/grafana/dashboards/toolhost.json"))
        func collect(_ value: JSONValue, panel: String) -> [DashboardQuery] {
            switch value {
            case .object(let object):
                let title = object["title"]?.stringValue ?? panel
                var found: [DashboardQuery] = []
                if let sql = object["rawSql"]?.stringValue {
                    found.append(DashboardQuery(panel: panel, sql: sql, format: object["format"]?.stringValue ?? "time_series",
                                                datasource: object["datasource"]?["uid"]?.stringValue))
                }
                for (_, member) in object { found += collect(member, panel: title) }
                return found
            case .array(let elements):
                return elements.flatMap { collect($0, panel: panel) }
            default:
                return []
            }
        }
        return collect(dashboard, panel: "")
    }

    static func rangeText(_ from: Date, _ to: Date) -> (from: String, to: String) {
        let formatter = ISO8601DateFormatter()
        return (formatter.string(from: from), formatter.string(from: to))
    }

    struct MacroError: Error, CustomStringConvertible {
        let description: String
    }

    /// Expands the dashboard's SQL as Grafana's PostgreSQL datasource does (pkg/tsdb/grafana-
    /// postgresql-datasource/macros.go), for the three macros the dashboard may use:
    /// `$__interval` (here 1m), `$__timeFilter(col)` → `col BETWEEN 'from' AND 'to'`, and
    /// `$__timeGroupAlias(col, 5m[, fill])` → `floor(extract(epoch from col)/300)*300 AS "time"`
    /// (a fill value only changes Grafana's post-processing). Any other macro is an error, so
    /// that a dashboard using one cannot pass untested.
    static func expand(_ sql: String, from: String, to: String) throws -> String {
        let text = Array(sql.replacingOccurrences(of: "$__interval_ms", with: "60000").replacingOccurrences(of: "$__interval", with: "1m"))
        var output = ""
        var index = 0
        while index < text.count {
            // Grafana's pattern: \$([_a-zA-Z0-9]+)\(([^\)]*)\)
            var end = index + 1
            if text[index] == "$" {
                while end < text.count, text[end].isASCII, text[end].isLetter || text[end].isNumber || text[end] == "_" { end += 1 }
            }
            guard text[index] == "$", end > index + 1, end < text.count, text[end] == "(",
                  let close = text[(end + 1)...].firstIndex(of: ")") else {
                output.append(text[index])
                index += 1
                continue
            }
            let name = String(text[(index + 1)..<end])
            let arguments = String(text[(end + 1)..<close]).split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            switch name {
            case "__timeFilter" where !arguments[0].isEmpty:
                output += "\(arguments[0]) BETWEEN '\(from)' AND '\(to)'"
            case "__timeGroupAlias" where arguments.count >= 2:
                let seconds = try intervalSeconds(arguments[1])
                output += "floor(extract(epoch from \(arguments[0]))/\(seconds))*\(seconds) AS \"time\""
            default:
                throw MacroError(description: "$\(name)(\(arguments.joined(separator: ", "))) is not a macro this test expands")
            }
            index = close + 1
        }
        return output
    }

    /// `1m`, `'30s'`, `2h`, `1d` in seconds.
    static func intervalSeconds(_ text: String) throws -> Int {
        let interval = text.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        let units = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        guard let unit = interval.last.flatMap({ units[String($0)] }), let count = Int(interval.dropLast()), count > 0 else {
            throw MacroError(description: "'\(text)' is not an interval")
        }
        return count * unit
    }
}
