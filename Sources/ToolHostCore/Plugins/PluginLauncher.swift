/// Turns a tool definition and a validated input into the exact process to start (DESIGN §3):
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
        var warnings: [String] = []
        let toolDirectory = tool.directory
        let values: (String) -> String? = { name in
            switch name {
            case "tool_dir": toolDirectory
            case "tools_dir": tool.toolsDirectory
            default: input[name].map(Placeholders.argumentText)
            }
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
            switch Placeholders.substitute(template, value: values) {
            case .success(let argument):
                arguments.append(argument)
                try checkScriptExists(template: template, argument: argument, tool: tool, spec: spec)
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
        let (executablePath, displayedCommand) = try resolveCommand(commandText, tool: tool, spec: spec,
                                                                    path: environment["PATH"] ?? "/usr/bin:/bin")
        let workingDirectory = FilePath.absolute(spec.workingDirectory ?? ".", relativeTo: toolDirectory)
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
            timeoutSeconds: timeoutOverride ?? spec.timeoutSeconds ?? settings.defaultTimeoutSeconds,
            killGraceSeconds: settings.killGraceSeconds,
            maxOutputBytes: settings.maxOutputBytes,
            memoryLimitBytes: spec.memoryLimitMB.flatMap { megabytes in
                let (bytes, overflow) = UInt64(megabytes).multipliedReportingOverflow(by: 1024 * 1024)
                return overflow ? nil : bytes
            }
        )
        return Launch(request: request, commandLine: argv.joined(separator: " "), warnings: warnings)
    }

    // MARK: Command

    /// A name is looked up on the plugin's PATH (then in `command_fallbacks`); a path is taken
    /// relative to the tool's folder.
    private func resolveCommand(_ command: String, tool: ToolDefinition, spec: ExecutableSpec,
                                path: String) throws(ToolHostError) -> (path: String, displayed: String) {
        if command.utf8.contains(UInt8(ascii: "/")) {
            let absolute = FilePath.absolute(command, relativeTo: tool.directory)
            guard FileIO.exists(absolute) else {
                throw notFound(tool: tool, spec: spec, what: "its command \(absolute) does not exist")
            }
            return (absolute, command)
        }
        if let found = Self.lookUp(command, onPath: path) { return (found, command) }
        if let fallback = settings.commandFallbacks[command], let found = Self.lookUp(fallback, onPath: path) {
            return (found, fallback)
        }
        throw notFound(tool: tool, spec: spec, what: "the command '\(command)' is not on PATH")
    }

    static func lookUp(_ name: String, onPath path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = FilePath.join(String(directory), name)
            if FileIO.isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// A script named through `{tool_dir}`/`{tools_dir}` that is missing is a broken install,
    /// reported like a missing command rather than as the interpreter's own complaint.
    private func checkScriptExists(template: String, argument: String, tool: ToolDefinition,
                                   spec: ExecutableSpec) throws(ToolHostError) {
        guard template.hasPrefix("{tool_dir}") || template.hasPrefix("{tools_dir}"),
              !FileIO.exists(argument) else { return }
        throw notFound(tool: tool, spec: spec, what: "its script \(argument) does not exist")
    }

    private func notFound(tool: ToolDefinition, spec: ExecutableSpec, what: String) -> ToolHostError {
        let hint = spec.installCommand.map { " Install with: \($0)" } ?? ""
        return ToolHostError(.commandNotFound, "Tool '\(tool.id)' cannot start: \(what).\(hint)",
                             details: ["exit_code": 127])
    }

    // MARK: Environment

    /// The allowed host variables, then the tool's `environment:` block (expanded from those
    /// same variables), then TOOLHOST_TOOL_ID / TOOLHOST_TOOL_DIR / TOOLHOST_TOOLS_DIR.
    private func pluginEnvironment(for tool: ToolDefinition, spec: ExecutableSpec, warnings: inout [String]) -> [String: String] {
        var environment = hostEnvironment.filter { settings.allowsVariable($0.key) }
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
