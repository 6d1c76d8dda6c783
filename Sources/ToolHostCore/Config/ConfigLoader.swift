/// Finds and reads ToolHost's configuration.
///
/// The file is, first found: `--config FILE`; `$TOOLHOST_CONFIG`; `./toolhost.yaml`;
/// `./config.yaml` when it is a ToolHost config (it has a top-level `toolhost:` key — a
/// project's own config.yaml, code-evolver's say, is ignored with one warning);
/// `$XDG_CONFIG_HOME/toolhost/toolhost.yaml` (else `~/.config/toolhost/toolhost.yaml`). With
/// none, built-in defaults apply and ToolHost writes only to the user's data directory
/// (`$XDG_DATA_HOME/toolhost`, else `~/.local/share/toolhost`), never to the current folder.
/// Relative paths in the file are relative to the file's folder. `${VAR}` and
/// `${VAR:-default}` in values are expanded from the environment first.
///
/// The `streaming.*` and `memory.*` rows (and `database.storage_strategy.*`) are read by their
/// subsystems (`ConfigSection`: `StreamingSettings`, `MemorySettings`), given to `load` as `sections`.
///
/// | key                                | environment override              | default            |
/// |------------------------------------|-----------------------------------|--------------------|
/// | `toolhost` (marks a config.yaml as ToolHost's) |                       |                    |
/// | `tools.paths` (list of paths, or of `{path, layout, root}`) | `TOOLHOST_TOOLS_PATH` (`:`-separated) | `[tools]` beside a config file; none without one |
/// | `tools.cache` (bool)               | `TOOLHOST_CATALOGUE_CACHE`        | true               |
/// | `tools.cache_dir`                  | `TOOLHOST_CACHE_DIR`              | `~/.cache/toolhost`|
/// | `plugins.timeout_seconds`          | `TOOLHOST_PLUGIN_TIMEOUT`         | 60                 |
/// | `plugins.kill_grace_seconds`       | `TOOLHOST_PLUGIN_KILL_GRACE`      | 2                  |
/// | `plugins.max_output_bytes`         | `TOOLHOST_PLUGIN_MAX_OUTPUT_BYTES`| 16777216           |
/// | `plugins.environment.pass` (list)  | `TOOLHOST_PLUGIN_ENV_PASS` (`,`)  | `[]`               |
/// | `plugins.environment.inherit_all`  | `TOOLHOST_PLUGIN_ENV_INHERIT_ALL` | false              |
/// | `plugins.environment.secrets` (list) | `TOOLHOST_PLUGIN_ENV_SECRETS` (`,`) | `[TOOLHOST_HTTP_TOKEN]` |
/// | `plugins.command_fallbacks` (map)  |                                   | `{python: python3}`|
/// | `plugins.sandbox.cgroups` (auto, required, off) | `TOOLHOST_SANDBOX_CGROUPS` | auto         |
/// | `plugins.sandbox.max_processes` / `memory_limit_mb` (per run; 0: none) |  | 512 / 0         |
/// | `plugins.sandbox.no_new_privs` / `seccomp` | `TOOLHOST_SANDBOX_SECCOMP` (seccomp) | true / true |
/// | `plugins.sandbox.network`          | `TOOLHOST_SANDBOX_NETWORK`        | true               |
/// | `plugins.sandbox.writable_paths` (list) |                              | none (no Landlock) |
/// | `tools.generated_path`             | `TOOLHOST_GENERATED_TOOLS_PATH`   | `<first tools dir>/generated`, else `<data dir>/generated_tools` |
/// | `tools.restore_generated`          | `TOOLHOST_RESTORE_GENERATED`      | false              |
/// | `policy.default` / `policy.tools.<id>` (allow, deny, confirm; or `{default, operations: {op: …}}`) | | allow |
/// | `policy.read_only` / `write` / `destructive` (by the call's nature, from the tool's annotations) | | `policy.default` |
/// | `tools.pinning.run` / `serve` (off, warn, refuse) | `TOOLHOST_PINNING_RUN` / `TOOLHOST_PINNING_SERVE` | warn / refuse |
/// | `database.type` (sqlite, postgres) | `TOOLHOST_DATABASE_TYPE`; `DATABASE_URL` or `POSTGRES_HOST` imply postgres | sqlite |
/// | `database.path`                    | `TOOLHOST_DATABASE_PATH`          | `<data dir>/toolhost.db`: `data/` beside a config file, else the user's data directory |
/// | `database.url`                     | `DATABASE_URL`                    |                    |
/// | `database.host` / `port` / `database` / `user` / `password` | `POSTGRES_HOST` / `POSTGRES_PORT` / `POSTGRES_DB` / `POSTGRES_USER` / `POSTGRES_PASSWORD` | localhost / 5432 / toolhost / postgres / none |
/// | `database.pool_min` / `pool_max`   |                                   | 1 / 10             |
/// | `database.connect_timeout_seconds` |                                   | 10                 |
/// | `database.statement_timeout_seconds` | `TOOLHOST_STATEMENT_TIMEOUT`    | 60 (0: none)       |
/// | `database.read_only`               | `TOOLHOST_DATABASE_READ_ONLY`     | false              |
/// | `database.storage_strategy.store_generated_tools` |                    | true               |
/// | `training.record_invocations`      | `TOOLHOST_RECORD_INVOCATIONS`     | true               |
/// | `training.max_recorded_bytes`      |                                   | 65536              |
/// | `training.retention_days`          | `TOOLHOST_RETENTION_DAYS`         | 0 (keep all)       |
/// | `training.archive_dir`             |                                   | `<data dir>/archive` |
/// | `training.partition_months_ahead` (0–120) | `TOOLHOST_PARTITION_MONTHS_AHEAD` | 3            |
/// | `training.redact` (list)           | `TOOLHOST_RECORD_REDACT` (`,`)    | `[credentials]`    |
/// | `training.redact_patterns` (list of regular expressions) |            | none               |
/// | `training.export_scrub` (list)     | `TOOLHOST_EXPORT_SCRUB` (`,`)     | every detector     |
/// | `training.export_scrub_patterns` (list of regular expressions) |      | none               |
/// | `files.export_dir`                 | `TOOLHOST_EXPORT_DIR`             | `<data dir>/exports` |
/// | `files.resource_read_max_bytes`    |                                   | 8388608 (MCP `resources/read` cap) |
/// | `audit.enabled` / `table` / `file` / `record_io` / `sync` | `TOOLHOST_AUDIT` / — / `TOOLHOST_AUDIT_FILE` | false / true / none / false / false |
/// | `files.writable_dirs`              |                                   | none               |
/// | `files.input_dirs`                 |                                   | the working directory |
/// | `streaming.backend` (none, redis)  | `TOOLHOST_STREAMING_BACKEND`      | none               |
/// | `streaming.url`                    | `TOOLHOST_REDIS_URL`              | `redis://127.0.0.1:6379/0` |
/// | `streaming.stream_prefix` / `maxlen` |                                 | toolhost / 1000000 |
/// | `memory.embedder` (hashing, ollama, openai) | `TOOLHOST_EMBEDDER`       | hashing            |
/// | `memory.embedding_dimension` (hashing) | `TOOLHOST_EMBEDDING_DIMENSION` | 384                |
/// | `memory.embedder_url`              | `TOOLHOST_EMBEDDER_URL`           | Ollama `http://127.0.0.1:11434`, OpenAI `https://api.openai.com/v1` |
/// | `memory.embedder_model`            | `TOOLHOST_EMBEDDER_MODEL`         | `all-minilm` / `text-embedding-3-small` |
/// | `memory.api_key_env`               |                                   | `OPENAI_API_KEY`   |
/// | `memory.embedder_ca_file` (PEM, for https) | `TOOLHOST_EMBEDDER_CA_FILE` | the system's certificates |
/// | `memory.embedder_timeout_seconds` / `embed_batch_size` |               | 30 / 64            |
/// | `memory.index` (sql, pgvector)     | `TOOLHOST_VECTOR_INDEX`           | sql                |
/// | `memory.hnsw_m` / `hnsw_ef_construction` / `hnsw_ef_search` |          | 16 / 128 / 400     |
/// | `database.storage_strategy.bulk_storage_types` / `rag_storage_types` / `hybrid_storage_types` (lists) | | `ArtifactRouting` |
/// | `database.storage_strategy.default_route` (bulk, vector, hybrid) |      | bulk               |
/// | `service.max_concurrent_calls`     | `TOOLHOST_MAX_CONCURRENT_CALLS`   | 8                  |
/// | `service.max_queued_calls` (HTTP, MCP) |                               | 1024               |
/// | `service.catalogue_poll_seconds`   |                                   | 1                  |
/// | `service.hand_off` (run `toolhost run`'s calls of the same configuration) |  | true               |
/// | `service.http.listen` (host:port)  | `TOOLHOST_HTTP_LISTEN`            | `127.0.0.1:8080`   |
/// | `service.http.auth_token`          | `TOOLHOST_HTTP_TOKEN`             | none (required off loopback) |
/// | `service.max_request_bytes`   |                                   | 10485760           |
/// | `service.http.expose_plugin_details` (stderr, command in HTTP answers) |  | false              |
/// | `service.shutdown_grace_seconds`   |                                   | 30                 |
/// | `service.max_call_timeout_seconds` (caps every served call's timeout) |  | 3600               |
/// | `service.http.max_connections`     |                                   | 512                |
/// | `service.http.header_timeout_seconds` / `body_timeout_seconds` / `idle_timeout_seconds` / `write_timeout_seconds` | | 10 / 30 / 60 / 30 |
/// | `service.mcp.progress_heartbeat_seconds` (0: none)  |                   | 5                  |
/// | `service.http.cors_origins` (list: `scheme://host[:port]` or `*`) | `TOOLHOST_HTTP_CORS_ORIGINS` (`,`) | none |
/// | `service.http.cors_max_age_seconds` |                                  | 600                |
/// | `service.mcp.list_ttl_ms` (2026-07-28 `ttlMs` of tools/list) |      | 10000              |
/// | `service.mcp.http.max_sessions` / `session_idle_seconds` |           | 100 / 900          |
/// | `service.mcp.http.allowed_origins` (list, besides loopback) |        | none               |
public enum ConfigLoader {
    /// `sections`: the subsystems' own settings to read besides Core's (`ConfigSection`; the
    /// executables pass every one they link: `HostSections.all`).
    public static func load(
        explicitPath: String? = nil,
        environment: [String: String] = ProcessEnvironment.current(),
        currentDirectory: String = FilePath.currentDirectory(),
        sections: [any ConfigSection.Type] = []
    ) throws(ToolHostError) -> HostConfig {
        var notes: [String] = []
        let found = try locate(explicitPath: explicitPath, environment: environment, currentDirectory: currentDirectory, notes: &notes)
        var config = try settings(from: found?.tree ?? [:], file: found?.file, environment: environment, currentDirectory: currentDirectory,
                                  sections: sections)
        config.warnings.insert(contentsOf: notes, at: 0)
        return config
    }

    /// The top-level key that marks a `config.yaml` as ToolHost's (`toolhost: 1`).
    public static let marker = "toolhost"

    /// The config file to read and its parsed tree, by the order in the type's documentation.
    private static func locate(explicitPath: String?, environment: [String: String], currentDirectory: String,
                               notes: inout [String]) throws(ToolHostError) -> (file: String, tree: JSONObject)? {
        if let explicit = explicitPath ?? environment["TOOLHOST_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let absolute = FilePath.absolute(explicit, relativeTo: currentDirectory)
            guard FileIO.isFile(absolute) else {
                throw ToolHostError(.invalidConfig, "The config file \(explicit) does not exist.",
                                    details: ["config_file": .string(absolute)])
            }
            return (absolute, try parseFile(absolute))
        }
        let own = FilePath.join(currentDirectory, "toolhost.yaml")
        if FileIO.isFile(own) { return (own, try parseFile(own)) }
        let shared = FilePath.join(currentDirectory, "config.yaml")
        if FileIO.isFile(shared) {
            // Another program's config.yaml (the project ToolHost runs in) is not ToolHost's,
            // however much its keys look alike: only the marker says so.
            do {
                let tree = try parseFile(shared)
                if tree[marker] != nil { return (shared, tree) }
                notes.append("./config.yaml is not a ToolHost config (it has no top-level '\(marker):' key), so it is ignored; name ToolHost's config toolhost.yaml, or add 'toolhost: 1' to it")
            } catch {
                notes.append("./config.yaml is ignored: \(error.message) (ToolHost reads a config.yaml only when it has a top-level '\(marker):' key; its own is toolhost.yaml)")
            }
        }
        let user = FilePath.join(UserDirectories.config(environment), "toolhost/toolhost.yaml")
        if FileIO.isFile(user) { return (user, try parseFile(user)) }
        return nil
    }

    private static func parseFile(_ file: String) throws(ToolHostError) -> JSONObject {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(file)
        } catch {
            throw ToolHostError(.invalidConfig, "Cannot read the config file \(error.path): \(error.reason).")
        }
        let document: YAMLDocument
        do {
            document = try YAMLDocument.parse(bytes)
        } catch {
            throw ToolHostError(.invalidConfig, "The config file \(file) is not valid YAML: \(error).")
        }
        switch document.root {
        case .null: return [:]
        case .object(let object): return object
        default: throw ToolHostError(.invalidConfig, "The config file \(file) must be a YAML mapping of settings.")
        }
    }

    /// Builds settings from a parsed tree. Relative paths written in the file are taken from the
    /// file's folder; relative paths from the environment, from the current directory.
    public static func settings(from tree: JSONObject, file: String?, environment: [String: String],
                                currentDirectory: String, sections: [any ConfigSection.Type] = []) throws(ToolHostError) -> HostConfig {
        let fileDirectory = file.map(FilePath.directory(of:)) ?? currentDirectory
        func base(overriddenBy variable: String) -> String {
            environment[variable] != nil ? currentDirectory : fileDirectory
        }
        var expansion = EnvironmentExpansion(environment: environment)
        let expanded: JSONObject
        do {
            expanded = try expand(tree, with: &expansion, path: "")
        } catch {
            throw ToolHostError(.invalidConfig, "\(file ?? "config"): \(error.message).")
        }
        var reader = ConfigReader(root: expanded, environment: environment)
        _ = reader.value(marker)
        // ToolHost's own files: beside its config file, else in the user's data directory.
        let dataDirectory = file == nil ? UserDirectories.data(environment) : FilePath.join(fileDirectory, "data")
        var plugins = PluginSettings()
        let toolsDirectories = readToolsDirectories(&reader, hasFile: file != nil, fileDirectory: fileDirectory,
                                                    currentDirectory: currentDirectory)
        let cacheEnabled = reader.bool("tools.cache", env: "TOOLHOST_CATALOGUE_CACHE", default: true)
        let cacheDirectory = reader.string("tools.cache_dir", env: "TOOLHOST_CACHE_DIR")
        plugins.defaultTimeoutSeconds = reader.number("plugins.timeout_seconds", env: "TOOLHOST_PLUGIN_TIMEOUT",
                                                      default: plugins.defaultTimeoutSeconds)
        plugins.killGraceSeconds = reader.number("plugins.kill_grace_seconds", env: "TOOLHOST_PLUGIN_KILL_GRACE",
                                                 default: plugins.killGraceSeconds)
        plugins.maxOutputBytes = reader.integer("plugins.max_output_bytes", env: "TOOLHOST_PLUGIN_MAX_OUTPUT_BYTES",
                                                default: plugins.maxOutputBytes)
        plugins.passEnvironment = reader.stringList("plugins.environment.pass", env: "TOOLHOST_PLUGIN_ENV_PASS") ?? []
        plugins.inheritEnvironment = reader.bool("plugins.environment.inherit_all", env: "TOOLHOST_PLUGIN_ENV_INHERIT_ALL",
                                                 default: false)
        if let secrets = reader.stringList("plugins.environment.secrets", env: "TOOLHOST_PLUGIN_ENV_SECRETS") { plugins.secretVariables = secrets }
        if let fallbacks = reader.stringMap("plugins.command_fallbacks") { plugins.commandFallbacks = fallbacks }
        plugins.sandbox = readSandbox(&reader, base: fileDirectory)
        let generatedPath = reader.string("tools.generated_path", env: "TOOLHOST_GENERATED_TOOLS_PATH")
        let restoreGenerated = reader.bool("tools.restore_generated", env: "TOOLHOST_RESTORE_GENERATED", default: false)
        let pinning = readPinning(&reader)
        let policy = readPolicy(&reader)
        let database = readDatabase(&reader, environment: environment, base: base(overriddenBy: "TOOLHOST_DATABASE_PATH"),
                                    dataDirectory: dataDirectory)

        var training = TrainingSettings(archiveDirectory: FilePath.join(dataDirectory, "archive"))
        training.recordInvocations = reader.bool("training.record_invocations", env: "TOOLHOST_RECORD_INVOCATIONS", default: true)
        training.maxRecordedBytes = reader.integer("training.max_recorded_bytes", default: training.maxRecordedBytes)
        training.retentionDays = Int(reader.number("training.retention_days", env: "TOOLHOST_RETENTION_DAYS", default: 0, positive: false))
        training.partitionMonthsAhead = readMonthsAhead(&reader, default: training.partitionMonthsAhead)
        if let archive = reader.string("training.archive_dir") { training.archiveDirectory = FilePath.absolute(archive, relativeTo: fileDirectory) }
        if let redaction = readRedaction(&reader) { training.redaction = redaction }
        if let scrub = readRedaction(&reader, detectorsKey: "training.export_scrub", patternsKey: "training.export_scrub_patterns",
                                     env: "TOOLHOST_EXPORT_SCRUB", defaultDetectors: RecordRedaction.Detector.allCases) {
            training.exportScrub = scrub
        }
        var files = FileSettings(exportDirectory: FilePath.join(dataDirectory, "exports"))
        if let exports = reader.string("files.export_dir", env: "TOOLHOST_EXPORT_DIR") {
            files.exportDirectory = FilePath.absolute(exports, relativeTo: base(overriddenBy: "TOOLHOST_EXPORT_DIR"))
        }
        files.writableDirectories = (reader.stringList("files.writable_dirs") ?? []).map { FilePath.absolute($0, relativeTo: fileDirectory) }
        if let inputs = reader.stringList("files.input_dirs") { files.inputDirectories = inputs.map { FilePath.absolute($0, relativeTo: fileDirectory) } }
        files.resourceReadMaxBytes = reader.integer("files.resource_read_max_bytes", default: files.resourceReadMaxBytes)
        var audit = AuditSettings()
        audit.isEnabled = reader.bool("audit.enabled", env: "TOOLHOST_AUDIT", default: false)
        audit.usesTable = reader.bool("audit.table", default: true)
        if let file = reader.string("audit.file", env: "TOOLHOST_AUDIT_FILE"), !file.isEmpty {
            audit.file = FilePath.absolute(file, relativeTo: base(overriddenBy: "TOOLHOST_AUDIT_FILE"))
        }
        if audit.isEnabled && !audit.usesTable && audit.file == nil {
            reader.report("audit.enabled needs somewhere to write: leave audit.table on or name an audit.file")
        }
        audit.recordsIO = reader.bool("audit.record_io", default: false)
        audit.syncsEachEntry = reader.bool("audit.sync", default: false)

        let context = ConfigSectionContext(environment: environment, baseDirectory: { variable in
            environment[variable] != nil ? currentDirectory : fileDirectory
        })
        let subsystems = sections.map { (type) in (type, type.init(reading: &reader, context: context)) }
        let service = readService(&reader)

        if !reader.errors.isEmpty {
            let location = file ?? "configuration"
            throw ToolHostError(
                .invalidConfig,
                "\(location): \(reader.errors[0])\(reader.errors.count > 1 ? " (and \(reader.errors.count - 1) more)" : "").",
                details: ["problems": .array(reader.errors.map { .string($0) })]
            )
        }
        var warnings = reader.unknownKeys().map { "\(file ?? "config"): \($0)" }
        for name in Set(expansion.unsetVariables).sorted() {
            warnings.append("\(file ?? "config"): ${\(name)} is used but \(name) is not set; it expands to an empty value")
        }
        // Generated tools go beside ToolHost's own catalogue, never into a code-evolver one.
        let ownToolsDirectory = toolsDirectories.first { $0.layout == .toolhost }?.path
        var config = HostConfig(
            file: file,
            toolsPaths: [],
            dataDirectory: dataDirectory,
            catalogueCache: CatalogueCacheSettings(
                isEnabled: cacheEnabled,
                directory: cacheDirectory.map { FilePath.absolute($0, relativeTo: base(overriddenBy: "TOOLHOST_CACHE_DIR")) }
            ),
            plugins: plugins,
            database: database,
            generatedToolsPath: generatedPath.map { FilePath.absolute($0, relativeTo: base(overriddenBy: "TOOLHOST_GENERATED_TOOLS_PATH")) }
                ?? ownToolsDirectory.map { FilePath.join($0, "generated") },
            restoreGeneratedTools: restoreGenerated,
            training: training,
            files: files,
            audit: audit,
            service: service,
            warnings: warnings
        )
        config.toolsDirectories = toolsDirectories
        config.pinning = pinning
        config.policy = policy
        for (type, section) in subsystems { config.sections[ObjectIdentifier(type)] = section }
        return config
    }

    /// `training.partition_months_ahead`: a whole number of months, 0 (the current month only)
    /// through 120 (ten years of empty partitions is already more than any plan needs).
    private static func readMonthsAhead(_ reader: inout ConfigReader, default fallback: Int) -> Int {
        let number = reader.number("training.partition_months_ahead", env: "TOOLHOST_PARTITION_MONTHS_AHEAD",
                                   default: Double(fallback), positive: false)
        guard let months = Int(exactly: number), (0...120).contains(months) else {
            let shown = Int(exactly: number).map(String.init) ?? String(number)
            reader.report("training.partition_months_ahead must be a whole number from 0 to 120, not \(shown)")
            return fallback
        }
        return months
    }

    /// `training.redact` (detector names) and `training.redact_patterns` (regular expressions),
    /// or another such pair (`training.export_scrub`); nil when neither is set.
    private static func readRedaction(_ reader: inout ConfigReader, detectorsKey: String = "training.redact",
                                      patternsKey: String = "training.redact_patterns", env: String? = "TOOLHOST_RECORD_REDACT",
                                      defaultDetectors: [RecordRedaction.Detector] = [.credentials]) -> RecordRedaction? {
        let names = reader.stringList(detectorsKey, env: env)
        let patterns = reader.stringList(patternsKey) ?? []
        guard names != nil || !patterns.isEmpty else { return nil }
        var detectors: [RecordRedaction.Detector] = names == nil ? defaultDetectors : []
        for name in names ?? [] {
            guard let detector = RecordRedaction.Detector(rawValue: name.lowercased()) else {
                reader.report("\(detectorsKey) names an unknown detector '\(name)' (known: \(RecordRedaction.Detector.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            detectors.append(detector)
        }
        do {
            return try RecordRedaction(detectors: detectors, patterns: patterns, source: patternsKey)
        } catch {
            reader.report(error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message)
            return nil
        }
    }

    /// `policy`: `default`, and per tool a decision or `{default, operations: {name: decision}}`.
    private static func readPolicy(_ reader: inout ConfigReader) -> CallPolicy {
        var policy = CallPolicy()
        func decision(_ value: JSONValue, at path: String) -> CallPolicy.Decision? {
            if let text = value.stringValue, let decision = CallPolicy.Decision(rawValue: text.lowercased()) { return decision }
            reader.report("\(path) must be allow, deny or confirm")
            return nil
        }
        if let found = reader.value("policy.default") { policy.defaultDecision = decision(found.value, at: "policy.default") ?? .allow }
        for nature in ToolNature.allCases {
            let key = CallPolicy.key(of: nature)
            if let found = reader.value(key) { policy.natureDecisions[nature] = decision(found.value, at: key) }
        }
        guard let tools = reader.value("policy.tools")?.value else { return policy }
        guard case .object(let rules) = tools else {
            reader.report("policy.tools must be a mapping of tool ids to rules")
            return policy
        }
        for (tool, raw) in rules {
            var rule = CallPolicy.ToolRule()
            switch raw {
            case .string: rule.decision = decision(raw, at: "policy.tools.\(tool)")
            case .object(let object):
                if let value = object["default"] { rule.decision = decision(value, at: "policy.tools.\(tool).default") }
                if let operations = object["operations"]?.objectValue {
                    for (operation, value) in operations {
                        if let found = decision(value, at: "policy.tools.\(tool).operations.\(operation)") { rule.operations[operation] = found }
                    }
                }
            default: reader.report("policy.tools.\(tool) must be allow, deny, confirm or {default, operations}")
            }
            policy.tools[tool] = rule
        }
        return policy
    }

    /// `tools.pinning`: what `run` and the servers do with a tool changed since it was approved.
    private static func readPinning(_ reader: inout ConfigReader) -> PinningSettings {
        var pinning = PinningSettings()
        for (key, variable, keyPath) in [("run", "TOOLHOST_PINNING_RUN", \PinningSettings.run), ("serve", "TOOLHOST_PINNING_SERVE", \PinningSettings.serve)] {
            guard let text = reader.string("tools.pinning.\(key)", env: variable) else { continue }
            // An unquoted `off` is YAML 1.1's false.
            if let mode = text == "false" ? .off : PinningMode(rawValue: text.lowercased()) {
                pinning[keyPath: keyPath] = mode
            } else {
                reader.report("tools.pinning.\(key) must be off, warn or refuse, not \(ConfigReader.shown(.string(text)))")
            }
        }
        return pinning
    }

    /// `plugins.sandbox`: how plugin runs are confined (`SandboxPolicy`).
    private static func readSandbox(_ reader: inout ConfigReader, base: String) -> SandboxPolicy {
        var sandbox = SandboxPolicy()
        if let text = reader.string("plugins.sandbox.cgroups", env: "TOOLHOST_SANDBOX_CGROUPS") {
            if let use = SandboxPolicy.CgroupUse(rawValue: text.lowercased()) {
                sandbox.cgroups = use
            } else {
                reader.report("plugins.sandbox.cgroups must be auto, required or off, not \(ConfigReader.shown(.string(text)))")
            }
        }
        // 0 means no cap.
        func count(_ number: Double) -> Int { Int(min(max(number, 0), 1e9).rounded()) }
        let processes = count(reader.number("plugins.sandbox.max_processes", default: Double(sandbox.maxProcesses ?? 0), positive: false))
        sandbox.maxProcesses = processes > 0 ? processes : nil
        let memory = count(reader.number("plugins.sandbox.memory_limit_mb", default: 0, positive: false))
        sandbox.memoryLimitMB = memory > 0 ? memory : nil
        sandbox.noNewPrivileges = reader.bool("plugins.sandbox.no_new_privs", default: sandbox.noNewPrivileges)
        sandbox.seccomp = reader.bool("plugins.sandbox.seccomp", env: "TOOLHOST_SANDBOX_SECCOMP", default: sandbox.seccomp)
        sandbox.network = reader.bool("plugins.sandbox.network", env: "TOOLHOST_SANDBOX_NETWORK", default: sandbox.network)
        sandbox.writablePaths = reader.stringList("plugins.sandbox.writable_paths")?.map { FilePath.absolute($0, relativeTo: base) }
        return sandbox
    }

    /// `tools.paths`: each entry a path (ToolHost's layout) or `{path, layout, root}`.
    /// `TOOLHOST_TOOLS_PATH` (paths only, `:`-separated, from the current directory) replaces it.
    private static func readToolsDirectories(_ reader: inout ConfigReader, hasFile: Bool, fileDirectory: String,
                                             currentDirectory: String) -> [ToolsDirectory] {
        guard let found = reader.value("tools.paths", env: "TOOLHOST_TOOLS_PATH") else {
            return hasFile ? [ToolsDirectory(path: FilePath.join(fileDirectory, "tools"))] : []
        }
        if found.fromEnvironment, case .string(let text) = found.value {
            return text.split(separator: ":").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
                .map { ToolsDirectory(path: FilePath.absolute($0, relativeTo: currentDirectory)) }
        }
        let entries: [JSONValue] = found.value.arrayValue ?? [found.value]
        return entries.enumerated().compactMap { index, entry in
            let key = "tools.paths[\(index)]"
            switch entry {
            case .string(let path):
                return ToolsDirectory(path: FilePath.absolute(path, relativeTo: fileDirectory))
            case .object(let fields):
                for name in fields.keys where !["path", "layout", "root"].contains(name) {
                    let hint = Suggestions.closest(to: name, among: ["path", "layout", "root"], limit: 1).first.map { "; did you mean '\($0)'?" } ?? ""
                    reader.report("\(key) has an unknown key '\(name)'\(hint)")
                }
                guard let path = fields["path"]?.stringValue, !path.isEmpty else {
                    reader.report("\(key) needs a 'path' (text)")
                    return nil
                }
                let directory = FilePath.absolute(path, relativeTo: fileDirectory)
                switch fields["layout"]?.stringValue ?? "toolhost" {
                case "toolhost":
                    if fields["root"] != nil { reader.report("\(key): 'root' applies to layout: code-evolver only") }
                    return ToolsDirectory(path: directory)
                case "code-evolver":
                    let root = fields["root"]?.stringValue.map { FilePath.absolute($0, relativeTo: fileDirectory) } ?? FilePath.directory(of: directory)
                    return ToolsDirectory(path: directory, layout: .codeEvolver(root: root))
                case let other:
                    reader.report("\(key).layout must be one of \(ToolLayout.names.joined(separator: ", ")), not \(ConfigReader.shown(.string(other)))")
                    return nil
                }
            default:
                reader.report("\(key) must be a path or a mapping {path, layout, root}, not \(entry.typeName)")
                return nil
            }
        }
    }

    /// The `service:` section (see the table above).
    private static func readService(_ reader: inout ConfigReader) -> ServiceSettings {
        var service = ServiceSettings()
        service.maxConcurrentCalls = reader.integer("service.max_concurrent_calls", env: "TOOLHOST_MAX_CONCURRENT_CALLS",
                                                    default: service.maxConcurrentCalls)
        if !(1...1024).contains(service.maxConcurrentCalls) {
            reader.report("service.max_concurrent_calls must be 1 to 1024, not \(service.maxConcurrentCalls)")
        }
        service.maxQueuedCalls = reader.integer("service.max_queued_calls", default: service.maxQueuedCalls)
        service.takesHandOffs = reader.bool("service.hand_off", default: service.takesHandOffs)
        service.cataloguePollSeconds = reader.number("service.catalogue_poll_seconds", default: service.cataloguePollSeconds)
        service.httpListen = reader.string("service.http.listen", env: "TOOLHOST_HTTP_LISTEN") ?? service.httpListen
        service.authToken = reader.string("service.http.auth_token", env: "TOOLHOST_HTTP_TOKEN").flatMap { $0.isEmpty ? nil : $0 }
        service.maxRequestBytes = reader.integer("service.max_request_bytes", default: service.maxRequestBytes)
        if service.maxRequestBytes < 1024 {
            reader.report("service.max_request_bytes must be at least 1024, not \(service.maxRequestBytes)")
        }
        service.exposesPluginDetails = reader.bool("service.http.expose_plugin_details", default: false)
        service.shutdownGraceSeconds = reader.number("service.shutdown_grace_seconds", default: service.shutdownGraceSeconds)
        service.maxCallTimeoutSeconds = reader.number("service.max_call_timeout_seconds", default: service.maxCallTimeoutSeconds)
        service.maxConnections = reader.integer("service.http.max_connections", default: service.maxConnections)
        if !(1...1_000_000).contains(service.maxConnections) {
            reader.report("service.http.max_connections must be 1 to 1000000, not \(service.maxConnections)")
        }
        service.headerTimeoutSeconds = reader.number("service.http.header_timeout_seconds", default: service.headerTimeoutSeconds)
        service.bodyTimeoutSeconds = reader.number("service.http.body_timeout_seconds", default: service.bodyTimeoutSeconds)
        service.idleTimeoutSeconds = reader.number("service.http.idle_timeout_seconds", default: service.idleTimeoutSeconds)
        service.writeTimeoutSeconds = reader.number("service.http.write_timeout_seconds", default: service.writeTimeoutSeconds)
        service.progressHeartbeatSeconds = reader.number("service.mcp.progress_heartbeat_seconds", default: service.progressHeartbeatSeconds)
        service.corsOrigins = reader.stringList("service.http.cors_origins", env: "TOOLHOST_HTTP_CORS_ORIGINS") ?? []
        for origin in service.corsOrigins where !isOrigin(origin) {
            reader.report("service.http.cors_origins: \(ConfigReader.shown(.string(origin))) is not an origin (scheme://host or scheme://host:port, no path) nor *")
        }
        service.corsMaxAgeSeconds = reader.integer("service.http.cors_max_age_seconds", default: service.corsMaxAgeSeconds)
        if !(0...86_400).contains(service.corsMaxAgeSeconds) {
            reader.report("service.http.cors_max_age_seconds must be 0 to 86400, not \(service.corsMaxAgeSeconds)")
        }
        service.mcpListTTLMilliseconds = reader.integer("service.mcp.list_ttl_ms", default: service.mcpListTTLMilliseconds)
        if service.mcpListTTLMilliseconds < 0 { reader.report("service.mcp.list_ttl_ms must be 0 or more, not \(service.mcpListTTLMilliseconds)") }
        service.mcpMaxSessions = reader.integer("service.mcp.http.max_sessions", default: service.mcpMaxSessions)
        if !(1...100_000).contains(service.mcpMaxSessions) {
            reader.report("service.mcp.http.max_sessions must be 1 to 100000, not \(service.mcpMaxSessions)")
        }
        service.mcpSessionIdleSeconds = reader.number("service.mcp.http.session_idle_seconds", default: service.mcpSessionIdleSeconds)
        service.mcpAllowedOrigins = reader.stringList("service.mcp.http.allowed_origins") ?? []
        for (key, value) in [("catalogue_poll_seconds", service.cataloguePollSeconds), ("shutdown_grace_seconds", service.shutdownGraceSeconds),
                             ("max_call_timeout_seconds", service.maxCallTimeoutSeconds),
                             ("http.header_timeout_seconds", service.headerTimeoutSeconds),
                             ("http.body_timeout_seconds", service.bodyTimeoutSeconds),
                             ("http.idle_timeout_seconds", service.idleTimeoutSeconds),
                             ("http.write_timeout_seconds", service.writeTimeoutSeconds),
                             ("mcp.progress_heartbeat_seconds", service.progressHeartbeatSeconds),
                             ("mcp.http.session_idle_seconds", service.mcpSessionIdleSeconds)]
        where !(value <= 86_400) {
            reader.report("service.\(key) must be at most 86400 (a day), not \(value)")
        }
        return service
    }

    /// `*`, or what a browser sends as `Origin`: `scheme://host` with an optional `:port`.
    private static func isOrigin(_ text: String) -> Bool {
        if text == "*" { return true }
        guard let separator = text.firstRange(of: "://"), !text[..<separator.lowerBound].isEmpty else { return false }
        let authority = text[separator.upperBound...]
        return !authority.isEmpty && !authority.contains { "/?#@ ".contains($0) }
    }

    /// The `database:` section with its environment overrides (see the table above).
    private static func readDatabase(_ reader: inout ConfigReader, environment: [String: String], base: String,
                                     dataDirectory: String) -> DatabaseSettings {
        var settings = DatabaseSettings(path: FilePath.join(dataDirectory, "toolhost.db"))
        let type = reader.string("database.type", env: "TOOLHOST_DATABASE_TYPE")
        if let path = reader.string("database.path", env: "TOOLHOST_DATABASE_PATH") {
            settings.path = FilePath.absolute(path, relativeTo: base)
        }
        settings.url = reader.string("database.url", env: "DATABASE_URL").flatMap { $0.isEmpty ? nil : $0 }
        // libpq would take any other URL for a database name, and say so with the URL in it.
        if let url = settings.url, let scheme = url.split(separator: ":", maxSplits: 1).first, url.contains("://"),
           !["postgresql", "postgres"].contains(scheme.lowercased()) {
            reader.report("database.url (or DATABASE_URL) must be a postgresql:// URL, not \(scheme.prefix(20))://")
        }
        settings.host = reader.string("database.host", env: "POSTGRES_HOST") ?? settings.host
        settings.port = reader.integer("database.port", env: "POSTGRES_PORT", default: settings.port)
        settings.database = reader.string("database.database", env: "POSTGRES_DB") ?? settings.database
        settings.user = reader.string("database.user", env: "POSTGRES_USER") ?? settings.user
        settings.password = reader.string("database.password", env: "POSTGRES_PASSWORD").flatMap { $0.isEmpty ? nil : $0 }
        settings.poolMin = reader.integer("database.pool_min", default: settings.poolMin)
        settings.poolMax = reader.integer("database.pool_max", default: settings.poolMax)
        settings.connectTimeoutSeconds = reader.number("database.connect_timeout_seconds", default: settings.connectTimeoutSeconds)
        settings.statementTimeoutSeconds = reader.number("database.statement_timeout_seconds", env: "TOOLHOST_STATEMENT_TIMEOUT",
                                                         default: settings.statementTimeoutSeconds, positive: false)
        settings.readOnly = reader.bool("database.read_only", env: "TOOLHOST_DATABASE_READ_ONLY", default: false)
        settings.storeGeneratedTools = reader.bool("database.storage_strategy.store_generated_tools", default: true)
        // TOOLHOST_DATABASE_TYPE wins; else DATABASE_URL or POSTGRES_HOST in the environment
        // override the file (as their names promise); else the file's type; else a URL in the
        // file means PostgreSQL; else the embedded SQLite.
        let environmentChoosesPostgres = environment["TOOLHOST_DATABASE_TYPE"] == nil
            && (environment["DATABASE_URL"].map { !$0.isEmpty } == true || environment["POSTGRES_HOST"].map { !$0.isEmpty } == true)
        switch environmentChoosesPostgres ? "postgres" : type?.lowercased() {
        case "sqlite", "sqlite3": settings.kind = .sqlite
        case "postgres", "postgresql", "pg": settings.kind = .postgres
        case nil: settings.kind = settings.url != nil ? .postgres : .sqlite
        case let other?:
            reader.report("database.type must be sqlite or postgres, not \(ConfigReader.shown(.string(other)))")
        }
        if settings.poolMax < max(settings.poolMin, 1) {
            reader.report("database.pool_max (\(settings.poolMax)) must be at least 1 and not below database.pool_min (\(settings.poolMin))")
        }
        return settings
    }

    private static func expand(_ object: JSONObject, with expansion: inout EnvironmentExpansion,
                               path: String) throws(EnvironmentExpansion.Failure) -> JSONObject {
        var result = JSONObject()
        for (key, value) in object {
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            result[key] = try expand(value, with: &expansion, path: keyPath)
        }
        return result
    }

    private static func expand(_ value: JSONValue, with expansion: inout EnvironmentExpansion,
                               path: String) throws(EnvironmentExpansion.Failure) -> JSONValue {
        switch value {
        case .string(let text):
            do {
                return .string(try expansion.expand(text))
            } catch {
                throw EnvironmentExpansion.Failure(message: "\(path): \(error.message)")
            }
        case .array(let elements):
            var expanded: [JSONValue] = []
            for element in elements { expanded.append(try expand(element, with: &expansion, path: path)) }
            return .array(expanded)
        case .object(let object):
            return .object(try expand(object, with: &expansion, path: path))
        default:
            return value
        }
    }
}
