/// Reads a tool definition out of a parsed YAML document, tolerating what real catalogues do
/// and recording what a user should fix as diagnostics (never throwing for a sloppy file).
///
/// Compatibility rules with code-evolver's tool files: `parameters` (and a list-style `inputs`) are aliases of
/// `input_schema`; `command`/`args` may sit at the top level instead of in `executable:`;
/// `timeout` is seconds and `timeout_ms` milliseconds; unknown `type`s are kept.
public struct ManifestDecoder {
    /// The top-level keys ToolHost reads; other keys are descriptive and kept as-is.
    static let interpretedKeys: Set<String> = ["name", "type", "description", "tags", "handler", "executable", "input_schema",
                                               "parameters", "output_schema", "command", "args", "inputs", "annotations",
                                               "operations", "workflow", "custom"]
    /// Keys whose near-miss spellings (`input_shema`) are worth a suggestion.
    static let knownKeys = interpretedKeys.sorted() + ["version"]

    public struct Failure: Error, Sendable {
        public let diagnostic: Diagnostic
    }

    /// Builds the definition of tool `id` from `document`, or fails when the document is not a
    /// mapping (there is nothing to describe then).
    ///
    /// A definition read from a file on disk is also checked for scripts that do not exist
    /// where its plugin will run (`PluginPlacement`); text that is not a file yet (a tool an
    /// agent is about to register) cannot be.
    public static func decode(_ document: JSONValue, id: String, file: String, directory: ToolsDirectory) throws(Failure) -> ToolDefinition {
        guard case .object(let map) = document else {
            let what = document.isNull ? "empty" : "a \(document.typeName), not a mapping"
            throw Failure(diagnostic: .error("the file is \(what); a tool definition is a YAML mapping", at: ""))
        }
        var decoder = ManifestDecoder(map: map)
        return decoder.definition(id: id, file: file, directory: directory)
    }

    let map: JSONObject
    var diagnostics: [Diagnostic] = []
    /// Whether `script_path` with an `interpreter` put the script ahead of the YAML's `args`.
    private var scriptLeadsArguments = false

    private init(map: JSONObject) { self.map = map }

    private mutating func definition(id: String, file: String, directory: ToolsDirectory) -> ToolDefinition {
        let name = text("name") ?? id
        if map["name"] == nil { diagnostics.append(.warning("no 'name'; the id '\(id)' is shown instead", at: "")) }
        let type = toolType()
        let description = text("description") ?? ""
        let handler = text("handler")
        let executable = executableSpec()
        let inputSchema = StreamBounds.advertised(in: inputSchema(), type: type, handler: handler)
        let outputSchema: JSONValue? = map["output_schema"].flatMap { raw in
            var normalizer = SchemaNormalizer()
            let schema = normalizer.normalizeAnySchema(raw, at: "/output_schema")
            diagnostics.append(contentsOf: normalizer.diagnostics)
            return schema
        }
        var annotationsDecoder = AnnotationsDecoder()
        let annotations = annotationsDecoder.decode(map["annotations"], operationNames: ToolDefinition.operationNames(in: inputSchema))
        diagnostics += annotationsDecoder.diagnostics
        let custom = customClassSpec(type: type, handler: handler, executable: executable)
        checkRunnability(type: type, handler: handler, executable: executable)
        if type == .workflow, handler == nil { diagnostics += WorkflowSpec.decode(map).diagnostics }
        if handler == nil { diagnostics += StreamSpecLint.diagnostics(type: type, document: map, hasExecutable: executable != nil) }
        checkOpenAPIBlock(type: type)
        checkPlaceholders(executable, inputSchema: inputSchema)
        suggestMisspelledKeys()
        var tool = ToolDefinition(
            id: id, name: name, type: type, description: description, tags: tags(), handler: handler,
            executable: executable, inputSchema: inputSchema, outputSchema: outputSchema, annotations: annotations, document: map,
            file: file, toolsDirectory: directory.path, layout: directory.layout, diagnostics: diagnostics
        )
        tool.custom = custom
        if file.hasPrefix("/"), handler == nil, let executable {
            tool.diagnostics += missingScripts(PluginPlacement(tool: tool, spec: executable))
        }
        return tool
    }

    // MARK: Identity

    mutating func text(_ key: String, in object: JSONObject? = nil, at base: String = "") -> String? {
        guard let value = (object ?? map)[key], !value.isNull else { return nil }
        switch value {
        case .string(let text): return text
        case .integer, .double: return value.description
        case .bool:
            warnAboutBoolean(value, at: JSONPointer.appending(key, to: base))
            return value.description
        default:
            diagnostics.append(.error("'\(key)' must be text, not \(value.typeName)", at: JSONPointer.appending(key, to: base)))
            return nil
        }
    }

    /// YAML 1.1 reads unquoted yes/no/on/off as booleans, so `command: yes` means "true".
    private mutating func warnAboutBoolean(_ value: JSONValue, at pointer: String) {
        diagnostics.append(.warning("this value reads as the boolean \(value) (YAML turns unquoted yes/no/on/off/true/false into booleans); quote it if you mean text",
                                    at: pointer))
    }

    private mutating func toolType() -> ToolType {
        if let name = text("type") {
            let type = ToolType(name: name)
            if !type.isKnown {
                diagnostics.append(.warning(
                    "unknown type '\(name)'; the tool is listed but cannot be run (known: executable, llm, custom, openapi, mcp, workflow, stream_producer, stream_consumer)",
                    at: "/type"))
            }
            return type
        }
        if map["executable"] != nil || map["command"] != nil || map["handler"] != nil { return .executable }
        diagnostics.append(.warning("no 'type'; assuming executable", at: ""))
        return .executable
    }

    private mutating func tags() -> [String] {
        switch map["tags"] {
        case nil, .null?: return []
        case .array(let elements)?: return elements.compactMap { $0.isNull ? nil : ($0.stringValue ?? $0.description) }
        case .string(let single)?: return single.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        case let other?:
            diagnostics.append(.error("'tags' must be a list of words, not \(other.typeName)", at: "/tags"))
            return []
        }
    }

    // MARK: Executable

    private mutating func executableSpec() -> ExecutableSpec? {
        let block: JSONObject
        let base: String
        switch map["executable"] {
        case .object(let object)?:
            block = object
            base = "/executable"
        case nil, .null?:
            guard map["command"] != nil else { return nil }
            block = map  // top-level command/args
            base = ""
        case .string(let command)?:
            return ExecutableSpec(command: command)
        case let other?:
            diagnostics.append(.error("'executable' must be a mapping with a 'command', not \(other.typeName)", at: "/executable"))
            return nil
        }
        // Every key is checked before deciding, so one pass reports every problem of the block.
        let explicitCommand = text("command", in: block, at: base)
        let script = text("script_path", in: block, at: base)
        let interpreter = text("interpreter", in: block, at: base)
        let args = arguments(block["args"], at: JSONPointer.appending("args", to: base))
        let stdinMode = flag("stdin_mode", in: block, at: base)
        let timeout = timeoutSeconds(in: block, at: base)
        let workingDirectory = text("working_dir", in: block, at: base)
        let environment = environment(block["environment"] ?? block["env"], at: JSONPointer.appending("environment", to: base))
        let evolvedFile = text("evolved_file", in: block, at: base).flatMap { $0.isEmpty ? nil : $0 }
        let installCommand = text("install_command", in: block, at: base) ?? (base.isEmpty ? nil : text("install_command"))
        let memoryLimit = positiveInteger("memory_limit_mb", in: block, at: base)
            ?? map["execution"]?.objectValue.flatMap { positiveInteger("memory_limit_mb", in: $0, at: "/execution") }
        let sandbox = sandbox(block["sandbox"] ?? map["sandbox"], at: block["sandbox"] != nil ? JSONPointer.appending("sandbox", to: base) : "/sandbox")

        // `command` is the norm; some files say `script_path` with an optional `interpreter`
        // (and an `entry_point`, which is descriptive: the script reads its input on stdin).
        let command: String
        var leadingArgs: [String] = []
        if let explicitCommand, !explicitCommand.isEmpty {
            command = explicitCommand
        } else if let script, !script.isEmpty {
            if let interpreter, !interpreter.isEmpty {
                command = interpreter
                leadingArgs = [script]
                scriptLeadsArguments = true
            } else {
                command = script.utf8.contains(UInt8(ascii: "/")) ? script : "./" + script  // a path, never a PATH lookup
            }
        } else {
            diagnostics.append(.error("'executable' has no 'command'", at: base))
            return nil
        }
        return ExecutableSpec(
            command: command, args: leadingArgs + args, stdinMode: stdinMode ?? true, timeoutSeconds: timeout,
            workingDirectory: workingDirectory, environment: environment, installCommand: installCommand,
            memoryLimitMB: memoryLimit, scriptPath: explicitCommand?.isEmpty == false ? nil : script, evolvedFile: evolvedFile,
            sandbox: sandbox)
    }

    /// `sandbox: {network, max_processes, seccomp, no_new_privs, writable_paths}` (each only
    /// tightens the config's `plugins.sandbox`).
    mutating func sandbox(_ raw: JSONValue?, at pointer: String) -> ToolSandbox {
        switch raw {
        case nil, .null?: return ToolSandbox()
        case .object(let block)?:
            for key in block.map(\.key) where !["network", "max_processes", "seccomp", "no_new_privs", "writable_paths"].contains(key) {
                diagnostics.append(.warning("unknown sandbox key '\(key)' (known: network, max_processes, seccomp, no_new_privs, writable_paths)",
                                            at: JSONPointer.appending(key, to: pointer)))
            }
            var sandbox = ToolSandbox(network: flag("network", in: block, at: pointer), maxProcesses: positiveInteger("max_processes", in: block, at: pointer),
                                      seccomp: flag("seccomp", in: block, at: pointer), noNewPrivileges: flag("no_new_privs", in: block, at: pointer))
            switch block["writable_paths"] {
            case nil, .null?: break
            case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }): sandbox.writablePaths = items.compactMap(\.stringValue)
            case .string(let single)?: sandbox.writablePaths = [single]
            case let other?:
                diagnostics.append(.error("'writable_paths' must be a list of paths, not \(other.typeName)", at: JSONPointer.appending("writable_paths", to: pointer)))
            }
            return sandbox
        case let other?:
            diagnostics.append(.error("'sandbox' must be a mapping, not \(other.typeName)", at: pointer))
            return ToolSandbox()
        }
    }

    private mutating func arguments(_ raw: JSONValue?, at pointer: String) -> [String] {
        switch raw {
        case nil, .null?: return []
        case .array(let elements)?:
            return elements.enumerated().compactMap { index, element in
                switch element {
                case .string(let text): return text
                case .integer, .double: return element.description
                case .bool:
                    warnAboutBoolean(element, at: JSONPointer.appending(index, to: pointer))
                    return element.description
                default:
                    diagnostics.append(.error("argument \(index + 1) must be text, not \(element.typeName)",
                                              at: JSONPointer.appending(index, to: pointer)))
                    return nil
                }
            }
        case .string(let single)?:
            diagnostics.append(.warning("'args' should be a list; the string is passed as one argument", at: pointer))
            return [single]
        case let other?:
            diagnostics.append(.error("'args' must be a list of strings, not \(other.typeName)", at: pointer))
            return []
        }
    }

    private mutating func flag(_ key: String, in block: JSONObject, at base: String) -> Bool? {
        guard let value = block[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            diagnostics.append(.error("'\(key)' must be true or false, not \(value.description.clipped)",
                                      at: JSONPointer.appending(key, to: base)))
            return nil
        }
        return flag
    }

    mutating func timeoutSeconds(in block: JSONObject, at base: String) -> Double? {
        let execution = map["execution"]?.objectValue
        for (source, sourceBase) in [(block, base), (execution ?? [:], "/execution")] {
            if let seconds = positiveNumber("timeout", in: source, at: sourceBase) { return seconds }
            if let milliseconds = positiveNumber("timeout_ms", in: source, at: sourceBase) { return milliseconds / 1000 }
        }
        return nil
    }

    private mutating func positiveNumber(_ key: String, in block: JSONObject, at base: String) -> Double? {
        guard let value = block[key], !value.isNull else { return nil }
        guard let number = value.numberValue, number > 0, number.isFinite else {
            diagnostics.append(.error("'\(key)' must be a positive number, not \(value.description.clipped)",
                                      at: JSONPointer.appending(key, to: base)))
            return nil
        }
        return number
    }

    mutating func positiveInteger(_ key: String, in block: JSONObject, at base: String) -> Int? {
        guard let number = positiveNumber(key, in: block, at: base) else { return nil }
        guard number < 1e12, let integer = Int(exactly: number.rounded(.up)) else {
            diagnostics.append(.error("'\(key)' is too large: \(JSONValue.double(number))", at: JSONPointer.appending(key, to: base)))
            return nil
        }
        return integer
    }

    mutating func environment(_ raw: JSONValue?, at pointer: String) -> [ExecutableSpec.EnvironmentEntry] {
        switch raw {
        case nil, .null?: return []
        case .object(let object)?:
            return object.compactMap { name, value in
                switch value {
                case .string(let text): return .init(name: name, value: text)
                case .integer, .double, .bool: return .init(name: name, value: value.description)
                case .null: return .init(name: name, value: "")
                default:
                    diagnostics.append(.error("environment variable '\(name)' must have a text value",
                                              at: JSONPointer.appending(name, to: pointer)))
                    return nil
                }
            }
        case let other?:
            diagnostics.append(.error("'environment' must be a mapping of NAME: value, not \(other.typeName)", at: pointer))
            return []
        }
    }

    // MARK: Schema

    private mutating func inputSchema() -> JSONValue {
        var normalizer = SchemaNormalizer()
        let schema: JSONValue
        if let raw = map["input_schema"] {
            if map["parameters"] != nil {
                diagnostics.append(.warning("both 'input_schema' and 'parameters' are given; 'parameters' is ignored", at: "/parameters"))
            }
            schema = normalizer.normalizeInputSchema(raw, at: "/input_schema")
        } else if let raw = map["parameters"] {
            schema = normalizer.normalizeInputSchema(raw, at: "/parameters")
        } else if let raw = map["inputs"], case .array = raw {
            schema = normalizer.normalizeInputSchema(raw, at: "/inputs")
        } else if map["type"]?.stringValue?.lowercased() == "openapi" {
            schema = OpenAPIInputSchema.schema(for: map)
        } else {
            schema = normalizer.normalizeInputSchema(derivedLLMInputSchema(), at: "")
        }
        diagnostics.append(contentsOf: normalizer.diagnostics)
        if let operations = map["operations"] {
            return OperationSchemas.build(fields: schema, operations: operations, at: "/operations", diagnostics: &diagnostics)
        }
        return schema
    }

    // MARK: Consistency

    private mutating func checkRunnability(type: ToolType, handler: String?, executable: ExecutableSpec?) {
        if handler == nil, executable == nil, type == .executable, map["executable"] == nil, map["command"] == nil {
            diagnostics.append(.error("an executable tool needs an 'executable' block with a 'command' (or a 'handler')", at: ""))
        }
    }

    /// Placeholders that name no input property would make every call fail; say so up front.
    private mutating func checkPlaceholders(_ executable: ExecutableSpec?, inputSchema: JSONValue) {
        guard let executable else { return }
        let declared = Set(OperationSchemas.allFields(of: inputSchema).keys)
        for (index, argument) in executable.args.enumerated() {
            for name in Placeholders.names(in: argument)
            where !PluginPlacement.builtInPlaceholders.contains(name) && !declared.contains(name) {
                diagnostics.append(.warning(
                    "argument \(index + 1) uses {\(name)}, which is not a property of the input schema; calls must pass '\(name)'",
                    at: map["executable"] == nil ? "/args/\(index)" : "/executable/args/\(index)"))
            }
        }
    }

    /// A script the YAML names that does not exist where the plugin will run: the tool cannot
    /// run until it does (the message lists every path tried).
    private func missingScripts(_ placement: PluginPlacement) -> [Diagnostic] {
        let block = map["executable"] == nil ? "" : "/executable"
        // With `interpreter`, the `script_path` became argument 0 ahead of the YAML's `args`.
        let leading = scriptLeadsArguments ? 1 : 0
        var problems = placement.missingScripts().map { argument, tried in
            Diagnostic.error(
                "the script \(placement.spec.args[argument]) does not exist where the plugin runs (looked for \(tried.joined(separator: " and ")))",
                at: argument < leading ? "\(block)/script_path" : "\(block)/args/\(argument - leading)")
        }
        if case .missing(let tried)? = placement.locateCommand(placement.spec.command) {
            let key = placement.spec.scriptPath != nil && !scriptLeadsArguments ? "script_path" : "command"
            problems.append(.error("the command \(placement.spec.command) does not exist (looked for \(tried.joined(separator: " and ")))",
                                   at: "\(block)/\(key)"))
        }
        return problems
    }

    private mutating func suggestMisspelledKeys() {
        for key in map.keys where key.utf8.count > 3 && !Self.knownKeys.contains(key) {
            let nearMisses = Self.knownKeys.filter { Suggestions.editDistance(key, $0, atMost: 2) != nil }
            if let suggestion = Suggestions.closest(to: key, among: nearMisses, limit: 1).first {
                diagnostics.append(.warning("unknown key '\(key)'; did you mean '\(suggestion)'?",
                                            at: JSONPointer.appending(key, to: "")))
            }
        }
    }
}
