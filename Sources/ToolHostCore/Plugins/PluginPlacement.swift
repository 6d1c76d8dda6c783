/// Where a plugin runs and what its paths mean, by the layout of its tools directory: the
/// working directory, the built-in placeholders and where a script is found. `run` (which
/// starts the plugin) and the catalogue (which reports a script that is missing) both ask
/// here, so they cannot disagree.
///
/// | | `toolhost` layout | `code-evolver` layout |
/// |---|---|---|
/// | working directory | the YAML's folder | the project folder (`root`) |
/// | `{tool_dir}` | the YAML's folder | `<tools>/executable` |
/// | `{tools_dir}` | the tools directory | the tools directory |
/// | `{tool_path}` | the YAML's folder | the YAML's folder |
/// | `{evolved_file}` | `executable.evolved_file` or "" | the same, or the promotion in `<root>/.tool_promotions.json`, which also replaces a `{tool_dir}/….py` argument |
/// | relative paths | from the working directory | from `root`, then from the folder above it |
///
/// `working_dir` in the YAML is relative to the default working directory of the layout.
public struct PluginPlacement: Sendable {
    public let tool: ToolDefinition
    public let spec: ExecutableSpec

    public init(tool: ToolDefinition, spec: ExecutableSpec) {
        self.tool = tool
        self.spec = spec
    }

    /// The placeholders every tool may use besides its input's keys.
    public static let builtInPlaceholders: Set<String> = ["tool_dir", "tools_dir", "tool_path", "evolved_file"]

    public var workingDirectory: String {
        FilePath.absolute(spec.workingDirectory ?? ".", relativeTo: tool.layout.projectRoot ?? tool.directory)
    }

    /// The value of a built-in placeholder; nil for any other name.
    public func builtInValue(_ name: String, evolvedFile: String? = nil) -> String? {
        switch name {
        case "tool_dir": tool.layout.projectRoot == nil ? tool.directory : FilePath.join(tool.toolsDirectory, "executable")
        case "tools_dir": tool.toolsDirectory
        case "tool_path": tool.directory
        case "evolved_file": evolvedFile ?? ""
        default: nil
        }
    }

    /// Folders a relative path is looked for in, in order. code-evolver's own catalogue mixes
    /// paths relative to its project folder with paths relative to the folder above it
    /// (`code_evolver/tools/...`), so both are tried there.
    private var searchDirectories: [String] {
        guard let root = tool.layout.projectRoot else { return [workingDirectory] }
        let above = FilePath.directory(of: root)
        return above == root ? [workingDirectory] : [workingDirectory, above]
    }

    /// Where a script is, as the argument to pass: an absolute path that exists as written; a
    /// relative one found from the working directory, as written; one found in a later search
    /// directory, made absolute. `.missing` lists every path tried.
    public func locate(_ path: String) -> ScriptLocation {
        if path.hasPrefix("/") { return FileIO.exists(path) ? .found(path) : .missing(tried: [path]) }
        let candidates = searchDirectories.map { FilePath.absolute(path, relativeTo: $0) }
        guard let index = candidates.firstIndex(where: FileIO.exists) else { return .missing(tried: candidates) }
        return .found(index == 0 ? path : candidates[index])
    }

    /// Where the command is: a path (it holds a `/`) relative to the YAML's folder in ToolHost's
    /// layout, found like a script in code-evolver's. nil for a name, which is looked up on PATH.
    public func locateCommand(_ command: String) -> ScriptLocation? {
        guard command.utf8.contains(UInt8(ascii: "/")) else { return nil }
        guard tool.layout.projectRoot != nil else {
            let absolute = FilePath.absolute(command, relativeTo: tool.directory)
            return FileIO.exists(absolute) ? .found(absolute) : .missing(tried: [absolute])
        }
        return switch locate(command) {
        case .found(let path): .found(FilePath.absolute(path, relativeTo: workingDirectory))
        case let missing: missing
        }
    }

    /// Whether argument `index` names a script the plugin needs: one placed through
    /// `{tool_dir}`, `{tools_dir}` or `{tool_path}`, the `script_path` of the YAML, or the script
    /// an interpreter runs (`python3 tools/x.py`: its first argument that is not an option,
    /// written as a relative path with a script's extension, that no input value fills in).
    /// Other arguments may name files the plugin creates, or paths on another machine.
    public func namesScript(at index: Int) -> Bool {
        let template = spec.args[index]
        if ["{tool_dir}", "{tools_dir}", "{tool_path}"].contains(where: template.hasPrefix) { return true }
        if let script = spec.scriptPath, template == script { return true }
        guard index == interpretedScriptIndex, !template.hasPrefix("/"), Placeholders.names(in: template).isEmpty else { return false }
        return Self.scriptExtensions.contains(FilePath.extension(of: template).lowercased())
    }

    static let scriptExtensions: Set<String> = ["py", "sh", "bash", "zsh", "js", "mjs", "cjs", "ts", "rb", "pl", "php", "r",
                                                "jl", "lua", "tcl", "ps1", "groovy", "kts", "swift"]

    /// Commands whose first argument that is not an option is the script they run.
    static let interpreters: Set<String> = ["python", "python2", "python3", "node", "nodejs", "deno", "bun", "bash", "sh", "zsh",
                                            "ruby", "perl", "php", "Rscript", "lua", "julia", "pwsh", "tclsh", "ts-node", "tsx"]

    /// The position of the script among the arguments when the command is an interpreter (and
    /// not told to run code from an option: `-c`, `-m`, `-e`).
    private var interpretedScriptIndex: Int? {
        let name = FilePath.lastComponent(of: spec.command)
        guard Self.interpreters.contains(name) || name.hasPrefix("python3.") else { return nil }
        for (index, argument) in spec.args.enumerated() {
            if ["-c", "-m", "-e", "--eval", "-"].contains(argument) { return nil }
            if !argument.hasPrefix("-") { return index }
        }
        return nil
    }

    /// The scripts of the YAML's arguments that do not exist where the plugin will run, each
    /// with the index of its argument and the paths tried. Arguments filled from the input are
    /// not checked: their values are known only per call.
    public func missingScripts() -> [(argument: Int, tried: [String])] {
        spec.args.enumerated().compactMap { index, template in
            guard namesScript(at: index) else { return nil }
            let names = Placeholders.names(in: template)
            guard names.allSatisfy(Self.builtInPlaceholders.contains), !names.contains("evolved_file") else { return nil }
            guard case .success(let argument) = Placeholders.substitute(template, value: { builtInValue($0) }),
                  case .missing(let tried) = locate(argument) else { return nil }
            return (index, tried)
        }
    }

    /// The evolved version of a tool: `executable.evolved_file`, else, in code-evolver's layout,
    /// the entry of this tool in `<root>/.tool_promotions.json` (written when code-evolver
    /// promotes one).
    public func evolvedFile() -> String? {
        if let file = spec.evolvedFile { return file }
        guard let root = tool.layout.projectRoot,
              let bytes = try? FileIO.read(FilePath.join(root, ".tool_promotions.json")),
              let promotions = try? JSONParser.parse(bytes) else { return nil }
        return promotions[tool.id]?["evolved_file"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Where a script or command was found, or every place it was looked for.
public enum ScriptLocation: Sendable, Equatable {
    case found(String)
    case missing(tried: [String])
}
