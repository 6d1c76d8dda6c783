import Testing
import ToolHostTestSupport
@testable import ToolHostCore

@Suite("Environment expansion in config values")
struct EnvironmentExpansionTests {
    private func expand(_ text: String, _ environment: [String: String] = ["HOST": "db", "EMPTY": ""]) throws -> String {
        var expansion = EnvironmentExpansion(environment: environment)
        return try expansion.expand(text)
    }

    @Test func posixFormsHaveTheirDocumentedMeaning() throws {
        #expect(try expand("${HOST}:5432") == "db:5432")
        #expect(try expand("${PORT:-5432}") == "5432")
        #expect(try expand("${EMPTY:-fallback}") == "fallback")
        #expect(try expand("${EMPTY-fallback}") == "")
        #expect(try expand("${UNSET-fallback}") == "fallback")
        #expect(try expand("${HOST:-unused}") == "db")
        #expect(try expand("${A:-${HOST}-x}") == "db-x")
        #expect(try expand("cost $$5 and pa$word") == "cost $5 and pa$word")
    }

    @Test func requiredVariablesFailWithTheirMessage() throws {
        #expect(throws: EnvironmentExpansion.Failure.self) { try expand("${TOKEN:?set TOKEN to your API key}") }
        #expect(throws: EnvironmentExpansion.Failure.self) { try expand("${EMPTY:?}") }
        #expect(try expand("${EMPTY?}") == "")
    }

    @Test func malformedReferencesAreErrors() {
        #expect(throws: EnvironmentExpansion.Failure.self) { try expand("${HOST") }
        #expect(throws: EnvironmentExpansion.Failure.self) { try expand("${}") }
        #expect(throws: EnvironmentExpansion.Failure.self) { try expand("${HOST/x/y}") }
    }

    @Test func unsetVariablesWithoutDefaultAreRemembered() throws {
        var expansion = EnvironmentExpansion(environment: [:])
        #expect(try expansion.expand("${MISSING}") == "")
        #expect(expansion.unsetVariables == ["MISSING"])
    }
}

@Suite("Loading config.yaml")
struct ConfigLoaderTests {
    @Test func noFileMeansBuiltInDefaultsAndNothingWrittenIntoTheCurrentDirectory() throws {
        let directory = TemporaryDirectory()
        directory.write("tools/x/x.yaml", "name: X\nexecutable: {command: cat}\n")  // not read without a config
        let config = try ConfigLoader.load(environment: ["HOME": directory.url("home")], currentDirectory: directory.path)
        #expect(config.file == nil)
        #expect(config.toolsPaths == [])
        #expect(config.dataDirectory == directory.url("home/.local/share/toolhost"))
        #expect(config.database.path == directory.url("home/.local/share/toolhost/toolhost.db"))
        #expect(config.training.archiveDirectory == directory.url("home/.local/share/toolhost/archive"))
        #expect(config.generatedToolsPath == directory.url("home/.local/share/toolhost/generated_tools"))
        #expect(config.plugins.defaultTimeoutSeconds == 60)
        #expect(config.plugins.maxOutputBytes == 16 * 1024 * 1024)

        let xdg = try ConfigLoader.load(environment: ["HOME": "/nonexistent", "XDG_DATA_HOME": directory.url("data")],
                                        currentDirectory: directory.path)
        #expect(xdg.database.path == directory.url("data/toolhost/toolhost.db"))
        // The specification ignores a relative XDG_DATA_HOME.
        let relative = try ConfigLoader.load(environment: ["HOME": directory.url("home"), "XDG_DATA_HOME": "data"],
                                             currentDirectory: directory.path)
        #expect(relative.dataDirectory == directory.url("home/.local/share/toolhost"))
    }

    @Test func aConfigYAMLIsReadOnlyWithTheToolhostMarker() throws {
        let directory = TemporaryDirectory()
        let environment = ["HOME": directory.url("home")]
        // code-evolver's own config.yaml: keys ToolHost also has, and no marker.
        directory.write("config.yaml", "llm:\n  models: {}\ndatabase:\n  type: postgres\n  host: db.internal\n")
        let foreign = try ConfigLoader.load(environment: environment, currentDirectory: directory.path)
        #expect(foreign.file == nil)
        #expect(foreign.database.kind == .sqlite)
        let notes = foreign.warnings
        #expect(notes.count == 1)
        #expect(notes.first?.contains("./config.yaml is not a ToolHost config") == true)

        directory.write("config.yaml", "toolhost: 1\ndatabase:\n  type: sqlite\n  path: mine.db\n")
        let marked = try ConfigLoader.load(environment: environment, currentDirectory: directory.path)
        #expect(marked.file == directory.url("config.yaml"))
        #expect(marked.database.path == directory.url("mine.db"))
        #expect(marked.warnings.isEmpty)

        // toolhost.yaml is ToolHost's by its name, and comes first.
        directory.write("toolhost.yaml", "database:\n  path: own.db\n")
        let own = try ConfigLoader.load(environment: environment, currentDirectory: directory.path)
        #expect(own.file == directory.url("toolhost.yaml"))
        #expect(own.database.path == directory.url("own.db"))
        #expect(own.toolsPaths == [directory.url("tools")])
        #expect(own.dataDirectory == directory.url("data"))
    }

    @Test func theUsersConfigFolderIsTheLastPlaceLooked() throws {
        let directory = TemporaryDirectory()
        directory.write("xdg/toolhost/toolhost.yaml", "plugins:\n  timeout_seconds: 7\n")
        let config = try ConfigLoader.load(environment: ["HOME": directory.url("home"), "XDG_CONFIG_HOME": directory.url("xdg")],
                                           currentDirectory: directory.url("work"))
        #expect(config.file == directory.url("xdg/toolhost/toolhost.yaml"))
        #expect(config.plugins.defaultTimeoutSeconds == 7)
        directory.write("home/.config/toolhost/toolhost.yaml", "plugins:\n  timeout_seconds: 9\n")
        let home = try ConfigLoader.load(environment: ["HOME": directory.url("home")], currentDirectory: directory.url("work"))
        #expect(home.plugins.defaultTimeoutSeconds == 9)
    }

    @Test func toolsPathsTakeLayoutsAndRoots() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", """
            tools:
              paths:
                - mine
                - path: projects/code_evolver/tools
                  layout: code-evolver
                - {path: /srv/ce/tools, layout: code-evolver, root: /srv}
            """)
        let config = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
        #expect(config.toolsDirectories == [
            ToolsDirectory(path: directory.url("mine")),
            ToolsDirectory(path: directory.url("projects/code_evolver/tools"), layout: .codeEvolver(root: directory.url("projects/code_evolver"))),
            ToolsDirectory(path: "/srv/ce/tools", layout: .codeEvolver(root: "/srv")),
        ])
        // Generated tools go beside ToolHost's own catalogue, never into code-evolver's.
        #expect(config.generatedToolsPath == directory.url("mine/generated"))

        directory.write("toolhost.yaml", "tools:\n  paths:\n    - {path: x, layuot: code-evolver}\n    - {layout: toolhost}\n    - {path: y, layout: langchain}\n    - 5\n")
        #expect(throws: ToolHostError.self) { try ConfigLoader.load(environment: [:], currentDirectory: directory.path) }
        do {
            _ = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
        } catch {
            let problems = error.details["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(problems == [
                "tools.paths[0] has an unknown key 'layuot'; did you mean 'layout'?",
                "tools.paths[1] needs a 'path' (text)",
                "tools.paths[2].layout must be one of toolhost, code-evolver, not text (9 characters)",
                "tools.paths[3] must be a path or a mapping {path, layout, root}, not integer",
            ])
        }
    }

    @Test func secretsAreNamesOrPatterns() {
        var plugins = PluginSettings()
        plugins.secretVariables = ["EXACT", "AWS_*", "*_TOKEN", "*KEY*"]
        plugins.passEnvironment = ["GITHUB_TOKEN"]
        for name in ["EXACT", "AWS_SECRET", "HTTP_TOKEN", "MY_KEY_FILE", "APIKEY"] {
            #expect(plugins.isSecret(name), "\(name)")
            #expect(!plugins.allowsVariable(name, passingAll: true), "\(name)")
        }
        #expect(!plugins.isSecret("EXACTLY") && !plugins.isSecret("TOKEN_X") && !plugins.isSecret("POSTGRES_HOST"))
        #expect(plugins.allowsVariable("POSTGRES_HOST", passingAll: true))
        #expect(!plugins.allowsVariable("POSTGRES_HOST", passingAll: false))
        // Named in pass, a secret passes: that is the way to give one tool one key.
        #expect(plugins.allowsVariable("GITHUB_TOKEN", passingAll: true) && plugins.allowsVariable("GITHUB_TOKEN"))
    }

    @Test func relativePathsAreTakenFromTheConfigFilesFolder() throws {
        let directory = TemporaryDirectory()
        directory.write("conf/toolhost.yaml", "tools:\n  paths: [mine, /abs/tools]\n  cache_dir: cache\n")
        let config = try ConfigLoader.load(explicitPath: "conf/toolhost.yaml", environment: [:], currentDirectory: directory.path)
        #expect(config.file == directory.url("conf/toolhost.yaml"))
        #expect(config.toolsPaths == [directory.url("conf/mine"), "/abs/tools"])
        #expect(config.catalogueCache.directory == directory.url("conf/cache"))
    }

    @Test func environmentPicksTheFileAndOverridesValues() throws {
        let directory = TemporaryDirectory()
        directory.write("c.yaml", "plugins:\n  timeout_seconds: ${TIMEOUT:-15}\n  kill_grace_seconds: 3\n")
        let config = try ConfigLoader.load(
            environment: ["TOOLHOST_CONFIG": directory.url("c.yaml"), "TOOLHOST_PLUGIN_KILL_GRACE": "0.5",
                          "TOOLHOST_TOOLS_PATH": "/a:/b", "TOOLHOST_PLUGIN_ENV_PASS": "API_KEY, OTHER"],
            currentDirectory: "/")
        #expect(config.plugins.defaultTimeoutSeconds == 15)
        #expect(config.plugins.killGraceSeconds == 0.5)
        #expect(config.toolsPaths == ["/a", "/b"])
        #expect(config.plugins.passEnvironment == ["API_KEY", "OTHER"])
        #expect(config.plugins.allowsVariable("API_KEY"))
        #expect(!config.plugins.allowsVariable("AWS_SECRET_ACCESS_KEY"))
    }

    @Test func relativePathsFromTheEnvironmentAreTakenFromTheCurrentDirectory() throws {
        let directory = TemporaryDirectory()
        directory.write("conf/config.yaml", "tools:\n  paths: [in-file]\n")
        let config = try ConfigLoader.load(
            explicitPath: "conf/config.yaml",
            environment: ["TOOLHOST_TOOLS_PATH": "mine:other", "TOOLHOST_CACHE_DIR": "cache"],
            currentDirectory: directory.path)
        #expect(config.toolsPaths == [directory.url("mine"), directory.url("other")])
        #expect(config.catalogueCache.directory == directory.url("cache"))
    }

    @Test func wrongTypesAreErrorsNamingTheKey() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", "plugins:\n  timeout_seconds: soon\n  environment:\n    inherit_all: maybe\n")
        do {
            _ = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
            Issue.record("a wrong type was accepted")
        } catch {
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains("plugins.timeout_seconds"))
            #expect(error.details["problems"]?.arrayValue?.count == 2)
        }
    }

    @Test func unknownKeysAndUnsetVariablesAreWarnings() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", "plugins:\n  timeout_secnds: 5\ntools:\n  paths: [\"${TOOLS_ROOT}/tools\"]\n")
        let config = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
        #expect(config.warnings.contains { $0.contains("plugins.timeout_secnds") && $0.contains("did you mean 'plugins.timeout_seconds'") })
        #expect(config.warnings.contains { $0.contains("TOOLS_ROOT") })
    }

    /// Regression: code-evolver never expanded `${VAR:-default}` and wrote config values into
    /// the process environment. Here values are expanded and the environment is left alone.
    @Test func loadingExpandsValuesWithoutTouchingTheEnvironment() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", "database:\n  type: postgres\n  host: ${TOOLHOST_TEST_UNSET_HOST:-db.internal}\n  port: ${TOOLHOST_TEST_UNSET_PORT:-6543}\n")
        let before = ProcessEnvironment.current()
        let config = try ConfigLoader.load(environment: before, currentDirectory: directory.path)
        #expect(config.database.host == "db.internal")
        #expect(config.database.port == 6543)
        #expect(ProcessEnvironment.current() == before)
    }

    @Test func databaseSettingsFollowTheEnvironmentOverrides() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", "database:\n  type: sqlite\n  path: db/tool.db\n")
        let embedded = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
        #expect(embedded.database.kind == .sqlite)
        #expect(embedded.database.path == directory.url("db/tool.db"))
        let url = try ConfigLoader.load(environment: ["DATABASE_URL": "postgresql://u:pw@h/db"], currentDirectory: directory.path)
        #expect(url.database.kind == .postgres)
        #expect(url.database.displayName == "postgresql://u:***@h/db")
        let fields = try ConfigLoader.load(environment: ["POSTGRES_HOST": "pg", "POSTGRES_PORT": "5433", "POSTGRES_DB": "agents",
                                                         "POSTGRES_USER": "me", "POSTGRES_PASSWORD": "pw"],
                                           currentDirectory: directory.path)
        #expect(fields.database.kind == .postgres)
        #expect(fields.database.displayName == "pg:5433/agents")
        #expect(fields.database.password == "pw")
        directory.write("toolhost.yaml", "database:\n  type: oracle\n")
        #expect(throws: ToolHostError.self) { try ConfigLoader.load(environment: [:], currentDirectory: directory.path) }
    }

    @Test func missingExplicitFileAndBrokenYAMLAreClearErrors() throws {
        let directory = TemporaryDirectory()
        #expect(throws: ToolHostError.self) {
            try ConfigLoader.load(explicitPath: "nope.yaml", environment: [:], currentDirectory: directory.path)
        }
        directory.write("toolhost.yaml", "tools: [unclosed\n")
        do {
            _ = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
            Issue.record("broken YAML was accepted")
        } catch {
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains("not valid YAML"))
        }
    }

    @Test func partitionMonthsAheadComesFromTheFileOrTheEnvironmentWithinItsRange() throws {
        let directory = TemporaryDirectory()
        let defaults = try ConfigLoader.load(environment: ["HOME": directory.url("home")], currentDirectory: directory.path)
        #expect(defaults.training.partitionMonthsAhead == 3)
        directory.write("toolhost.yaml", "training:\n  partition_months_ahead: 0\n")
        let none = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
        #expect(none.training.partitionMonthsAhead == 0)
        let fromEnvironment = try ConfigLoader.load(environment: ["TOOLHOST_PARTITION_MONTHS_AHEAD": "12"], currentDirectory: directory.path)
        #expect(fromEnvironment.training.partitionMonthsAhead == 12)
        directory.write("toolhost.yaml", "training:\n  partition_months_ahead: 200\n")
        do {
            _ = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
            Issue.record("200 months ahead was accepted")
        } catch {
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains("training.partition_months_ahead must be a whole number from 0 to 120, not 200"))
        }
    }

    @Test func serviceSettingsComeFromTheFileAndTheEnvironment() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", """
            service:
              max_concurrent_calls: 3
              max_queued_calls: 20
              catalogue_poll_seconds: 0.5
              max_request_bytes: 4096
              shutdown_grace_seconds: 5
              max_call_timeout_seconds: 120
              http:
                listen: 0.0.0.0:9090
                auth_token: from-file
                max_connections: 64
                header_timeout_seconds: 2
                body_timeout_seconds: 4.5
                idle_timeout_seconds: 9
                write_timeout_seconds: 12
            """)
        let config = try ConfigLoader.load(environment: ["TOOLHOST_HTTP_TOKEN": "from-env"], currentDirectory: directory.path)
        #expect(config.service.maxConcurrentCalls == 3)
        #expect(config.service.maxQueuedCalls == 20)
        #expect(config.service.cataloguePollSeconds == 0.5)
        #expect(config.service.maxRequestBytes == 4096)
        #expect(config.service.shutdownGraceSeconds == 5)
        #expect(config.service.maxCallTimeoutSeconds == 120)
        #expect(config.service.maxConnections == 64)
        #expect(config.service.headerTimeoutSeconds == 2)
        #expect(config.service.bodyTimeoutSeconds == 4.5)
        #expect(config.service.idleTimeoutSeconds == 9)
        #expect(config.service.writeTimeoutSeconds == 12)
        #expect(config.service.httpListen == "0.0.0.0:9090")
        #expect(config.service.authToken == "from-env")  // the environment wins
        #expect(config.warnings.isEmpty)

        let defaults = try ConfigLoader.load(environment: ["TOOLHOST_MAX_CONCURRENT_CALLS": "16"], currentDirectory: TemporaryDirectory().path)
        #expect(defaults.service.maxConcurrentCalls == 16)
        #expect(defaults.service.httpListen == "127.0.0.1:8080" && defaults.service.authToken == nil)
        #expect(defaults.service.maxRequestBytes == 10 * 1024 * 1024)
        #expect(defaults.service.maxCallTimeoutSeconds == 3600)
        #expect(defaults.service.maxConnections == 512)
        let timeouts = [defaults.service.headerTimeoutSeconds, defaults.service.bodyTimeoutSeconds, defaults.service.idleTimeoutSeconds,
                        defaults.service.writeTimeoutSeconds]
        #expect(timeouts == [10, 30, 60, 30])
    }

    @Test func badServiceSettingsAreErrorsNamingTheKey() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", """
            service:
              max_concurrent_calls: 5000
              max_request_bytes: 10
              max_call_timeout_seconds: 1e308
              http: {max_connections: 2000000, header_timeout_seconds: 0, idle_timeout_seconds: 100000}
            """)
        do {
            _ = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
            Issue.record("bad service settings were accepted")
        } catch {
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains("service.max_concurrent_calls must be 1 to 1024, not 5000"))
            let problems = error.details["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(problems.count == 6, "\(problems)")
            for expected in ["service.max_call_timeout_seconds must be at most 86400", "service.http.max_connections must be 1 to 1000000, not 2000000",
                             "service.http.header_timeout_seconds must be a positive number", "service.http.idle_timeout_seconds must be at most 86400"] {
                #expect(problems.contains { $0.contains(expected) }, "\(expected) in \(problems)")
            }
        }
    }
}
