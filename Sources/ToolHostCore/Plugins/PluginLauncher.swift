/// Turns a tool definition and a validated input into the exact process to start (README "Writing a tool"):
/// argv without a shell, placeholders filled, the command found on PATH, the working directory
/// and a minimal environment — or a clear error before anything starts.
public struct PluginLauncher: Sendable {
    public let settings: PluginSettings
    /// The host's environment, from which the allowed variables are taken.
    public let hostEnvironment: [String: String]

    public init(settings: PluginSettings, hostEnvironment: [String: String]) {
        self.settings = settings
        self.hostEnvironment = hostEnvironment
    }

    /// What was decided, with the warnings worth showing on stderr.
    public struct Launch: Sendable {
        public var request: ProcessRequest
        /// The command line as a person would type it (for the envelope's `command`).
        public var commandLine: String
        public var warnings: [String]
    }

    public func launch(_ tool: ToolDefinition, input: JSONObject, timeoutOverride: Double? = nil) throws(ToolHostError) -> Launch {
        guard let spec = tool.executable else {
            throw ToolHostError(.unsupportedToolType, "Tool '\(tool.id)' has no 'executable' block, so it cannot run as a plugin.")
        }
        return try launch(tool, spec: spec, input: input, timeoutOverride: timeoutOverride)
    }

    /// The process for `spec` rather than the tool's own `executable:` block (a custom tool's
    /// interpreter), placed, confined and limited by the same rules.
    public func launch(_ tool: ToolDefinition, spec: ExecutableSpec, input: JSONObject,
                       timeoutOverride: Double? = nil) throws(ToolHostError) -> Launch {
        var warnings: [String] = []
        let placement = PluginPlacement(tool: tool, spec: spec)
        let evolvedFile = evolvedScript(placement, warnings: &warnings)
        let values: (String) -> String? = { name in
            placement.builtInValue(name, evolvedFile: evolvedFile) ?? input[name].map(Placeholders.argumentText)
        }

        // argv and environ are C strings: a NUL inside a value would silently cut it short,
        // after validation has passed the whole value.
        let nulViolations = Set(spec.args.flatMap(Placeholders.names(in:)))
            .filter { input[$0].map(Placeholders.argumentText)?.utf8.contains(0) == true }
            .sorted()
            .map { Violation(path: "/\($0)", message: "must not contain a NUL character: it is passed as a command-line argument") }
        if !nulViolations.isEmpty { throw ToolHostError.invalidInput(nulViolations, tool: tool.id) }

        var arguments: [String] = []
        for (index, template) in spec.args.enumerated() {
            // code-evolver runs a promoted tool's evolved script in place of its own.
            if let evolvedFile, tool.layout.projectRoot != nil, template.hasPrefix("{tool_dir}/"), template.hasSuffix(".py") {
                arguments.append(evolvedFile)
                continue
            }
            switch Placeholders.substitute(template, value: values) {
            case .success(let argument):
                arguments.append(placement.namesScript(at: index) ? try script(argument, placement: placement) : argument)
            case .failure(let missing):
                throw ToolHostError.invalidInput(
                    [Violation(path: "/\(missing.name)", message: "is required: argument \(index + 1) of the command uses {\(missing.name)}")],
                    tool: tool.id)
            }
        }
        let commandText: String
        switch Placeholders.substitute(spec.command, value: values) {
        case .success(let text): commandText = text
        case .failure(let missing):
            throw ToolHostError.invalidInput([Violation(path: "/\(missing.name)", message: "is required by the command")], tool: tool.id)
        }

        let environment = pluginEnvironment(for: tool, spec: spec, warnings: &warnings)
        let (executablePath, displayedCommand) = try resolveCommand(commandText, placement: placement,
                                                                    path: environment["PATH"] ?? "/usr/bin:/bin")
        let workingDirectory = placement.workingDirectory
        guard FileIO.isDirectory(workingDirectory) else {
            throw ToolHostError(.spawnFailed, "Tool '\(tool.id)' cannot start: its working directory \(workingDirectory) does not exist.")
        }

        let argv = [displayedCommand] + arguments
        let request = ProcessRequest(
            executablePath: executablePath,
            arguments: argv,
            environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
            workingDirectory: workingDirectory,
            input: spec.stdinMode ? JSONWriter.bytes(.object(input)) + [0x0A] : nil,
            timeoutSeconds: timeoutOverride ?? spec.timeoutSeconds ?? settings.defaultTimeoutSeconds,  // = settings.timeoutSeconds(of: tool)
            killGraceSeconds: settings.killGraceSeconds,
            maxOutputBytes: settings.maxOutputBytes,
            memoryLimitBytes: spec.memoryLimitMB.flatMap { megabytes in
                let (bytes, overflow) = UInt64(megabytes).multipliedReportingOverflow(by: 1024 * 1024)
                return overflow ? nil : bytes
            }
        )
        var confined = request
        confined.sandbox = try sandbox(for: tool, spec: spec, placement: placement, values: values)
        return Launch(request: confined, commandLine: argv.joined(separator: " "), warnings: warnings)
    }

    /// The config's `plugins.sandbox` tightened by the tool's own block; its writable paths
    /// with built-in placeholders filled, relative to the working directory.
    private func sandbox(for tool: ToolDefinition, spec: ExecutableSpec, placement: PluginPlacement,
                         values: (String) -> String?) throws(ToolHostError) -> SandboxPolicy {
        var own = spec.sandbox
        if let paths = own.writablePaths {
            own.writablePaths = try paths.map { (template) throws(ToolHostError) in
                guard case .success(let path) = Placeholders.substitute(template, value: { placement.builtInValue($0, evolvedFile: nil) }) else {
                    throw ToolHostError(.invalidToolDefinition, "Tool '\(tool.id)': sandbox.writable_paths entry \(template) uses a placeholder that is not a built-in one.")
                }
                return FilePath.absolute(path, relativeTo: placement.workingDirectory)
            }
        }
        return settings.sandbox.tightened(by: own, memoryLimitMB: spec.memoryLimitMB)
    }

    // MARK: Command and scripts

    /// A name is looked up on the plugin's PATH (then in `command_fallbacks`); a path is found
    /// by the layout's rules (`PluginPlacement.locateCommand`).
    private func resolveCommand(_ command: String, placement: PluginPlacement,
                                path: String) throws(ToolHostError) -> (path: String, displayed: String) {
        switch placement.locateCommand(command) {
        case .found(let absolute)?: return (absolute, command)
        case .missing(let tried)?:
            throw notFound(placement, what: "its command \(command) does not exist (looked for \(tried.joined(separator: " and ")))")
        case nil: break
        }
        if let found = Self.lookUp(command, onPath: path) { return (found, command) }
        if let fallback = settings.commandFallbacks[command], let found = Self.lookUp(fallback, onPath: path) {
            return (found, fallback)
        }
        throw notFound(placement, what: "the command '\(command)' is not on PATH")
    }

    static func lookUp(_ name: String, onPath path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = FilePath.join(String(directory), name)
            if FileIO.isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// A script the plugin needs, as the argument to pass; a missing one is a broken install,
    /// reported like a missing command rather than as the interpreter's own complaint.
    private func script(_ argument: String, placement: PluginPlacement) throws(ToolHostError) -> String {
        switch placement.locate(argument) {
        case .found(let located): return located
        case .missing(let tried):
            throw notFound(placement, what: "its script \(argument) does not exist (looked for \(tried.joined(separator: " and ")))")
        }
    }

    /// The evolved script of a tool, when it exists; one whose file is gone is a warning, and
    /// `{evolved_file}` is then empty (code-evolver's layout runs the original script).
    private func evolvedScript(_ placement: PluginPlacement, warnings: inout [String]) -> String? {
        guard let evolved = placement.evolvedFile() else { return nil }
        guard case .found(let located) = placement.locate(evolved) else {
            warnings.append("tool '\(placement.tool.id)': its evolved file \(evolved) does not exist, so {evolved_file} is empty")
            return nil
        }
        return located
    }

    private func notFound(_ placement: PluginPlacement, what: String) -> ToolHostError {
        let hint = placement.spec.installCommand.map { " Install with: \($0)" } ?? ""
        return ToolHostError(.commandNotFound, "Tool '\(placement.tool.id)' cannot start: \(what).\(hint)",
                             details: ["exit_code": 127])
    }

    // MARK: Environment

    /// The host variables the layout lets through (ToolHost's: the allow-list; code-evolver's:
    /// all but the configured secrets), then the tool's `environment:` block (expanded from
    /// those same variables), then TOOLHOST_TOOL_ID / TOOLHOST_TOOL_DIR / TOOLHOST_TOOLS_DIR.
    private func pluginEnvironment(for tool: ToolDefinition, spec: ExecutableSpec, warnings: inout [String]) -> [String: String] {
        let passesAll = tool.layout.projectRoot != nil
        var environment = hostEnvironment.filter { settings.allowsVariable($0.key, passingAll: passesAll) }
        var expansion = EnvironmentExpansion(environment: environment)
        for entry in spec.environment {
            do {
                environment[entry.name] = try expansion.expand(entry.value)
            } catch {
                warnings.append("tool '\(tool.id)': environment \(entry.name): \(error.message)")
            }
        }
        for name in Set(expansion.unsetVariables).sorted() where hostEnvironment[name] != nil {
            warnings.append("tool '\(tool.id)' uses ${\(name)}, which the host does not pass to plugins; add it to plugins.environment.pass")
        }
        environment["TOOLHOST_TOOL_ID"] = tool.id
        environment["TOOLHOST_TOOL_DIR"] = tool.directory
        environment["TOOLHOST_TOOLS_DIR"] = tool.toolsDirectory
        return environment
    }
}
