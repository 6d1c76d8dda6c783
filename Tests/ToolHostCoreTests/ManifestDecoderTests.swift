import Testing
import ToolHostTestSupport
@testable import ToolHostCore

@Suite("Reading tool definitions")
struct ManifestDecoderTests {
    private func decode(_ yaml: String, id: String = "tool") throws -> ToolDefinition {
        try ManifestDecoder.decode(try YAMLDocument.parse(yaml).root, id: id, file: "/tools/x/\(id).yaml", directory: ToolsDirectory(path: "/tools"))
    }

    @Test func executableBlockIsRead() throws {
        let tool = try decode("""
            name: Bulk
            type: executable
            description: Stores things
            tags: [db, storage]
            executable:
              command: python
              args: ["{tool_dir}/bulk.py", "--level", 3]
              stdin_mode: true
              timeout_ms: 1500
              working_dir: ..
              environment: {MODE: fast, LEVEL: 2}
              install_command: pip install bulk
              memory_limit_mb: 64
            """)
        #expect(tool.name == "Bulk")
        #expect(tool.type == .executable)
        #expect(tool.tags == ["db", "storage"])
        #expect(tool.directory == "/tools/x")
        let spec = try #require(tool.executable)
        #expect(spec.command == "python")
        #expect(spec.args == ["{tool_dir}/bulk.py", "--level", "3"])
        #expect(spec.timeoutSeconds == 1.5)
        #expect(spec.workingDirectory == "..")
        #expect(spec.environment.map(\.name) == ["MODE", "LEVEL"])
        #expect(spec.environment.last?.value == "2")
        #expect(spec.installCommand == "pip install bulk")
        #expect(spec.memoryLimitMB == 64)
        #expect(tool.runner == .plugin)
        // Read from a file, the definition is also checked against the disk: its script is not there.
        let problems = tool.diagnostics.map(\.message)
        #expect(problems == ["the script {tool_dir}/bulk.py does not exist where the plugin runs (looked for /tools/x/bulk.py)"])
    }

    @Test func topLevelCommandAndArgsAreAccepted() throws {
        let tool = try decode("name: T\ntype: executable\ncommand: node\nargs: [\"{tool_dir}/t.js\"]\ntimeout: 5\n")
        #expect(tool.executable?.command == "node")
        #expect(tool.executable?.args == ["{tool_dir}/t.js"])
        #expect(tool.executable?.timeoutSeconds == 5)
    }

    @Test func scriptPathWithInterpreterBecomesTheCommand() throws {
        let tool = try decode("name: T\ntype: executable\nexecutable:\n  script_path: run.py\n  interpreter: python3\n  args: [--fast]\n")
        #expect(tool.executable?.command == "python3")
        #expect(tool.executable?.args == ["run.py", "--fast"])
    }

    @Test func parametersIsAnAliasOfInputSchema() throws {
        let tool = try decode("name: T\ntype: llm\nparameters:\n  prompt: {type: string, required: true}\n")
        #expect(tool.inputSchema["required"] == ["prompt"])
        #expect(tool.runner == .typeHandler(.llm))
    }

    @Test func unknownTypesAreKeptWithAWarning() throws {
        let tool = try decode("name: T\ntype: quantum\nexecutable: {command: echo}\n")
        #expect(tool.type == .other("quantum"))
        #expect(tool.diagnostics.contains { $0.severity == .warning && $0.pointer == "/type" })
        if case .unsupported = tool.runner {} else { Issue.record("an unknown type must not run") }
    }

    @Test func anUnknownTypeIsRefusedEvenWithAHandler() throws {
        let tool = try decode("name: T\ntype: teleporter\nhandler: tools_manager\n")
        #expect(tool.runner == .unsupported(reason: "its type 'teleporter' is not one ToolHost knows"))
    }

    @Test func absurdMemoryLimitsAreRefused() throws {
        let tool = try decode("name: T\ntype: executable\nexecutable: {command: cat, memory_limit_mb: 1e15}\n")
        #expect(tool.executable?.memoryLimitMB == nil)
        #expect(tool.diagnostics.contains { $0.pointer == "/executable/memory_limit_mb" })
    }

    @Test func handlerToolsRunInProcess() throws {
        let tool = try decode("name: T\ntype: executable\nhandler: tools_manager\nexecutable: {command: toolhost, args: [run, t]}\n")
        #expect(tool.runner == .handler("tools_manager"))
    }

    @Test func problemsAreDiagnosedWithTheirPointers() throws {
        let tool = try decode("""
            name: T
            type: executable
            executable:
              args: "{tool_dir}/x.py"
              timeout: -1
              stdin_mode: "sometimes"
            input_shema:
              a: string
            """)
        let pointers = Set(tool.diagnostics.compactMap(\.pointer))
        #expect(pointers.contains("/executable"))             // no command
        #expect(pointers.contains("/executable/timeout"))
        #expect(pointers.contains("/executable/stdin_mode"))
        #expect(pointers.contains("/input_shema"))            // did you mean input_schema?
        #expect(tool.diagnostics.contains { $0.message.contains("did you mean 'input_schema'") })
        #expect(tool.executable == nil)
    }

    @Test func placeholdersWithoutAnInputPropertyAreWarned() throws {
        let tool = try decode("""
            name: T
            type: executable
            executable: {command: lint, args: ["{source_file}", "{tool_dir}", "{mode}"]}
            input_schema: {mode: {type: string}}
            """)
        let warnings = tool.diagnostics.filter { $0.message.contains("{source_file}") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.pointer == "/executable/args/0")
    }

    @Test func unquotedYesAsACommandIsFlagged() throws {
        let tool = try decode("name: T\ntype: executable\nexecutable:\n  command: yes\n  args: [on]\n")
        #expect(tool.executable?.command == "true")
        let pointers = tool.diagnostics.filter { $0.message.contains("boolean") }.compactMap(\.pointer)
        #expect(pointers == ["/executable/command", "/executable/args/0"])
    }

    @Test func aDocumentThatIsNotAMappingFails() throws {
        #expect(throws: ManifestDecoder.Failure.self) { try decode("- just\n- a list\n") }
        #expect(throws: ManifestDecoder.Failure.self) { try decode("") }
    }
}

@Suite("Scripts where the plugin will run")
struct ScriptPlacementTests {
    let directory = TemporaryDirectory()

    /// The tool `id` written at `relative` under the tools directory `tools`, read in `layout`.
    private func tool(_ yaml: String, at relative: String, layout: ToolLayout = .toolhost, tools: String = "tools") throws -> ToolDefinition {
        let file = directory.write(relative, yaml)
        return try ManifestDecoder.decode(try YAMLDocument.parse(yaml).root, id: FilePath.stem(of: file), file: file,
                                          directory: ToolsDirectory(path: directory.url(tools), layout: layout))
    }

    @Test func toolhostLayoutLooksBesideTheYAML() throws {
        directory.write("tools/a/a.py", "")
        let found = try tool("name: A\nexecutable: {command: python3, args: [\"{tool_dir}/a.py\", \"{tool_dir}/b.py\"]}\n", at: "tools/a/a.yaml")
        #expect(found.diagnostics.map(\.message) == [
            "the script {tool_dir}/b.py does not exist where the plugin runs (looked for \(directory.url("tools/a/b.py")))",
        ])
        #expect(found.diagnostics.first?.pointer == "/executable/args/1")
        let interpreted = try tool("name: S\nexecutable: {command: bash, args: [\"-e\", \"helper.sh\"]}\n", at: "tools/s/s.yaml")
        #expect(interpreted.diagnostics.isEmpty, "bash -e runs code from the option: \(interpreted.diagnostics)")
        let script = try tool("name: S\nexecutable: {command: bash, args: [\"-x\", \"helper.sh\", \"out.py\"]}\n", at: "tools/s/s.yaml")
        #expect(script.diagnostics.map(\.pointer) == ["/executable/args/1"], "\(script.diagnostics)")
    }

    @Test func argumentsThatAreNotTheScriptAreLeftAlone() throws {
        // A path the caller fills in, code from an option, a file the plugin writes, a path on
        // another machine, a MIME type.
        let yamls = [
            "name: A\ninput_schema: {path: string}\nexecutable: {command: python3, args: [\"{path}\"]}\n",
            "name: B\nexecutable: {command: python3, args: [\"-c\", \"print(1)\", \"x.py\"]}\n",
            "name: C\nexecutable: {command: python3, args: [\"-m\", \"tool.main\", \"x.py\"]}\n",
            "name: D\nexecutable: {command: docker, args: [run, img, job.py]}\n",
            "name: E\nexecutable: {command: curl, args: [\"-H\", \"text/plain\", \"x.sh\"]}\n",
        ]
        for yaml in yamls {
            let loaded = try tool(yaml, at: "tools/x/x.yaml")
            #expect(loaded.diagnostics.isEmpty, "\(yaml): \(loaded.diagnostics)")
        }
    }

    @Test func codeEvolverLayoutLooksFromTheProjectThenTheFolderAbove() throws {
        let layout = ToolLayout.codeEvolver(root: directory.url("repo/project"))
        directory.write("repo/project/tools/executable/x.py", "")
        directory.write("repo/project/tools/executable/rel.py", "")
        directory.write("repo/project/tools/executable/up.py", "")
        func load(_ argument: String) throws -> ToolDefinition {
            try tool("name: T\nexecutable: {command: python, args: [\"-u\", \"\(argument)\"]}\n", at: "repo/project/tools/deep/sub/t.yaml",
                     layout: layout, tools: "repo/project/tools")
        }
        for argument in ["{tool_dir}/x.py", "tools/executable/rel.py", "project/tools/executable/up.py"] {
            let found = try load(argument)
            #expect(found.diagnostics.isEmpty, "\(argument): \(found.diagnostics)")
        }
        let missing = try load("project/nowhere.py")
        #expect(missing.diagnostics.map(\.message) == [
            "the script project/nowhere.py does not exist where the plugin runs (looked for \(directory.url("repo/project/project/nowhere.py")) and \(directory.url("repo/project/nowhere.py")))",
        ])
        #expect(missing.diagnostics.first?.pointer == "/executable/args/1")

        let placement = PluginPlacement(tool: missing, spec: try #require(missing.executable))
        #expect(placement.workingDirectory == directory.url("repo/project"))
        #expect(placement.builtInValue("tool_dir") == directory.url("repo/project/tools/executable"))
        #expect(placement.builtInValue("tool_path") == directory.url("repo/project/tools/deep/sub"))
        #expect(placement.locate("project/tools/executable/up.py") == .found(directory.url("repo/project/tools/executable/up.py")))
        #expect(placement.locate("tools/executable/rel.py") == .found("tools/executable/rel.py"))
    }

    @Test func aMissingScriptPathIsReportedAtItsKey() throws {
        let layout = ToolLayout.codeEvolver(root: directory.url("p"))
        let interpreted = try tool("name: I\nexecutable: {script_path: tools/run.py, interpreter: python3, args: [--fast]}\n",
                                   at: "p/tools/x/i.yaml", layout: layout, tools: "p/tools")
        #expect(interpreted.diagnostics.first?.pointer == "/executable/script_path")
        #expect(interpreted.diagnostics.count == 1)
        let direct = try tool("name: D\nexecutable: {script_path: tools/run.sh}\n", at: "p/tools/x/d.yaml", layout: layout, tools: "p/tools")
        #expect(direct.diagnostics.map(\.pointer) == ["/executable/script_path"])
        #expect(direct.diagnostics.first?.message.hasPrefix("the command tools/run.sh does not exist") == true)
        // With a command of its own, script_path is not what runs.
        let commanded = try tool("name: C\nexecutable: {command: cat, script_path: tools/run.sh}\n", at: "p/tools/x/c.yaml", layout: layout, tools: "p/tools")
        #expect(commanded.diagnostics.isEmpty, "\(commanded.diagnostics)")
    }
}
