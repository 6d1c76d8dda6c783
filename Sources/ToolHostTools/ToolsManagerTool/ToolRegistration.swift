import ToolHostCore
import ToolHostStorage

/// Installs tools an agent generated: lints the definition, writes it (and its code) under
/// `tools.generated_path` so it can run at once, and keeps a copy in the `generated_tools`
/// table when `database.storage_strategy.store_generated_tools` is on, from which
/// `restore()` re-creates files that went missing.
public struct ToolRegistration: Sendable {
    public let config: HostConfig
    public let handlers: HandlerRegistry

    public init(config: HostConfig, handlers: HandlerRegistry) {
        self.config = config
        self.handlers = handlers
    }

    /// What one registration did.
    public struct Registered: Sendable {
        public var toolID: String
        public var file: String
        public var codeFile: String?
        public var action: String
        /// The database copy failed; the file is written all the same.
        public var databaseWarning: String?
        /// The approval could not be recorded; the tool counts as new until its first use.
        public var approvalWarning: String?

        /// The answer of `register_tool` and kin (and `toolhost register`'s, as `answer`).
        var fields: OperationAnswer {
            var object: JSONObject = ["tool_id": .string(toolID), "file": .string(file), "action": .string(action)]
            if let codeFile { object["code_file"] = .string(codeFile) }
            object["persisted"] = .bool(databaseWarning == nil)
            let warnings = [databaseWarning, approvalWarning].compactMap { $0 }
            if !warnings.isEmpty { object["warning"] = .string(warnings.joined(separator: " ")) }
            return .fields(object)
        }

        public var answer: JSONValue { fields.json }
    }

    // MARK: Registering

    /// Registers YAML text (and optional code). The id is `id`, else derived from `name:`.
    public func register(yaml: String, id requestedID: String?, code: String?, codeFileName: String?, storedType: String? = nil) throws(ToolHostError) -> Registered {
        let document: YAMLDocument
        do {
            document = try YAMLDocument.parse(yaml)
        } catch {
            throw ToolHostError(.invalidToolDefinition, "The tool definition is not valid YAML: \(error).")
        }
        guard case .object(let fields) = document.root else {
            throw ToolHostError(.invalidToolDefinition, "A tool definition is a YAML mapping; this is \(document.root.kindPhrase).")
        }
        let id = try toolID(requested: requestedID, name: fields["name"]?.stringValue)
        let problems = CatalogueLinter(knownHandlers: Set(handlers.names), handlers: handlers).lint(yaml: yaml, id: id).filter { $0.severity == .error }
        guard problems.isEmpty else {
            throw ToolHostError(.invalidToolDefinition, "The definition of '\(id)' has \(problems.count) error\(problems.count == 1 ? "" : "s"), first: \(problems[0].message).",
                                details: ["problems": .array(problems.map(\.json))])
        }
        try checkNotShadowing(id)
        let folder = FilePath.join(config.generatedToolsPath, id)
        var codeFile: String?
        if code != nil {
            let name = codeFileName ?? "\(id).py"
            guard Self.isPlainFileName(name, for: id) else {
                throw ToolHostError.invalidInput([Violation(path: "/code_file", message: "must be a plain file name such as \(id).py")])
            }
            codeFile = FilePath.join(folder, name)
        }
        let yamlFile = FilePath.join(folder, "\(id).yaml")
        try write(Array(yaml.utf8), to: yamlFile)
        if let codeFile, let code { try write(Array(code.utf8), to: codeFile) }

        var registered = Registered(toolID: id, file: yamlFile, codeFile: codeFile, action: "written")
        registered.approvalWarning = approveWritten(id, how: "registered")
        if config.database.storeGeneratedTools {
            var metadata: JSONObject = ["registered_by": "toolhost"]
            if let codeFile { metadata["code_file"] = .string(FilePath.lastComponent(of: codeFile)) }
            let record = GeneratedToolRecord(
                toolID: id, name: fields["name"]?.stringValue ?? id,
                type: storedType ?? fields["type"]?.stringValue ?? "executable",
                yaml: yaml, code: code, metadata: metadata)
            do {
                let action = try Database.shared(for: config.database).withDatabaseConnection { connection throws(DatabaseError) in
                    try record.upsert(on: connection)
                }
                registered.action = action.rawValue
            } catch {
                registered.databaseWarning = "The tool file is written but the database copy failed: \(error.message)"
            }
        }
        return registered
    }

    /// `register_function`: Python code defining a function becomes an executable tool: a
    /// harness reads the input object, calls the function with it as keyword arguments and
    /// prints `{"success": true, "result": ...}`.
    public func registerFunction(name: String, description: String, code: String, parameters: JSONValue?,
                          functionName: String?, tags: [String]) throws(ToolHostError) -> Registered {
        let id = try toolID(requested: nil, name: name)
        guard let function = functionName ?? Self.pythonIdentifier(name) ?? Self.firstPythonFunction(in: code) else {
            throw ToolHostError.invalidInput([Violation(path: "/function_name", message: "is required: the code defines no function named after the tool")])
        }
        var definition: JSONObject = [
            "name": .string(name),
            "type": "executable",
            "description": .string(description),
            "tags": .array((["generated", "function"] + tags).map { .string($0) }),
            "executable": [
                "command": "python3", "args": .array([.string("{tool_dir}/\(id).py")]), "stdin_mode": true, "timeout": 60,
            ],
        ]
        if let parameters { definition["input_schema"] = parameters }
        definition["metadata"] = ["generated_by": "register_function", "function": .string(function)]
        return try register(yaml: YAMLWriter.string(.object(definition)), id: id, code: code + Self.pythonHarness(function),
                            codeFileName: "\(id).py", storedType: "function")
    }

    /// `register_llm`: an llm tool with its model and system prompt (run by `LLMToolHandler`:
    /// its input is `prompt`).
    public func registerLLM(name: String, description: String, model: String, systemPrompt: String, tags: [String]) throws(ToolHostError) -> Registered {
        let definition: JSONValue = [
            "name": .string(name),
            "type": "llm",
            "description": .string(description),
            "tags": .array((["generated"] + tags).map { .string($0) }),
            "llm": ["model": .string(model), "system_prompt": .string(systemPrompt)],
        ]
        return try register(yaml: YAMLWriter.string(definition), id: nil, code: nil, codeFileName: nil, storedType: "llm")
    }

    // MARK: Restoring

    /// Writes back every generated tool the database has but the catalogue lacks.
    public func restore() throws(ToolHostError) -> (restored: [String], skipped: [String]) {
        let records = try Database.shared(for: config.database).withDatabaseConnection { connection throws(DatabaseError) in
            try GeneratedToolRecord.all(on: connection)
        }
        let known = Set(ToolsManager(config: config, builtins: BuiltinHandlers.tools).loadCatalogue().allIDs)
        var restored: [String] = []
        var skipped: [String] = []
        for record in records where !known.contains(record.toolID) {
            guard let yaml = record.yaml, Self.isValidID(record.toolID) else {
                skipped.append(record.toolID)
                continue
            }
            let folder = FilePath.join(config.generatedToolsPath, record.toolID)
            try write(Array(yaml.utf8), to: FilePath.join(folder, "\(record.toolID).yaml"))
            if let code = record.code {
                let stored = record.metadata?["code_file"]?.stringValue
                let name = stored.flatMap { Self.isPlainFileName($0, for: record.toolID) ? $0 : nil } ?? "\(record.toolID).py"
                try write(Array(code.utf8), to: FilePath.join(folder, name))
            }
            restored.append(record.toolID)
        }
        // A restored tool whose approval cannot be recorded is new, and approved at first use.
        for id in restored { _ = approveWritten(id, how: "restored") }
        return (restored, skipped)
    }

    /// Tools ToolHost writes itself are approved as written (`ToolApprovals`), so that an agent
    /// system generating tools all day is never refused its own. Returns why it failed.
    private func approveWritten(_ id: String, how: String) -> String? {
        do throws(ToolHostError) {
            let definition = try ToolsManager(config: config, builtins: BuiltinHandlers.tools).definition(for: id)
            try ToolApprovals(config: config).approve([definition], how: how)
            return nil
        } catch {
            return "The tool is written but its approval was not recorded: \(error.message)"
        }
    }

    // MARK: Helpers

    private func toolID(requested: String?, name: String?) throws(ToolHostError) -> String {
        if let requested {
            guard Self.isValidID(requested) else {
                throw ToolHostError.invalidInput([Violation(path: "/id", message: "must be letters, digits, _ or - (it becomes the file name)")])
            }
            return requested
        }
        guard let name, let slug = Self.slug(name) else {
            throw ToolHostError.invalidInput([Violation(path: "/id", message: "is required when the definition has no usable 'name'")])
        }
        return slug
    }

    /// Registering must not create a conflicting duplicate of a tool that lives elsewhere.
    private func checkNotShadowing(_ id: String) throws(ToolHostError) {
        if BuiltinHandlers.tools.contains(where: { $0.id == id }) {
            throw ToolHostError(.conflictingDefinitions, "The id '\(id)' is a built-in tool of ToolHost; register the tool under another id.")
        }
        let generatedPrefix = config.generatedToolsPath.hasSuffix("/") ? config.generatedToolsPath : config.generatedToolsPath + "/"
        let others = CatalogueScanner.scan(roots: config.catalogueDirectories.map(\.path), onlyID: id).files.filter { !$0.path.hasPrefix(generatedPrefix) }
        if let other = others.first {
            throw ToolHostError(.conflictingDefinitions, "The id '\(id)' is already used by \(other.path); register the tool under another id.",
                                details: ["file": .string(other.path)])
        }
    }

    private func write(_ bytes: [UInt8], to path: String) throws(ToolHostError) {
        do {
            try FileIO.makeDirectories(FilePath.directory(of: path))
            try FileIO.writeAtomically(bytes, to: path)
        } catch {
            throw ToolHostError(.ioError, "Cannot write \(error.path): \(error.reason).")
        }
    }

    /// A code file name stays inside the tool's folder and never replaces its YAML.
    static func isPlainFileName(_ name: String, for id: String) -> Bool {
        !name.isEmpty && !name.utf8.contains(UInt8(ascii: "/")) && !name.hasPrefix(".") && name != "\(id).yaml"
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// "JSON Parser v2" → "json_parser_v2".
    static func slug(_ name: String) -> String? {
        var slug = ""
        for character in name.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
            } else if !slug.isEmpty, slug.last != "_" {
                slug.append("_")
            }
        }
        while slug.last == "_" { slug.removeLast() }
        return slug.isEmpty ? nil : String(slug.prefix(128))
    }

    static func pythonIdentifier(_ name: String) -> String? {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
              name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else { return nil }
        return name
    }

    static func firstPythonFunction(in code: String) -> String? {
        for line in code.split(whereSeparator: \.isNewline) where line.hasPrefix("def ") {
            let rest = line.dropFirst(4)
            if let paren = rest.firstIndex(of: "(") { return pythonIdentifier(String(rest[..<paren]).trimmingSpaces) }
        }
        return nil
    }

    static func pythonHarness(_ function: String) -> String {
        """


        # --- ToolHost harness: the input object arrives on stdin, the answer leaves as JSON ---
        if __name__ == "__main__":
            import json as _json, sys as _sys
            _arguments = _json.load(_sys.stdin)
            try:
                _result = \(function)(**_arguments)
            except Exception as _error:
                _json.dump({"success": False, "error": str(_error), "error_type": type(_error).__name__}, _sys.stdout)
                _sys.exit(1)
            _json.dump({"success": True, "result": _result}, _sys.stdout, default=str)

        """
    }
}
