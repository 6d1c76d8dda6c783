import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// A catalogue in code-evolver's layout (written here, after its conventions): YAML in
/// sub-folders whose scripts live in `tools/executable`, a `script_path` tool, a BOM, paths
/// relative to the folder above the project, a tool that reads POSTGRES_HOST, a promoted
/// (evolved) tool. ToolHost runs it from an empty folder, told only where it is.
@Suite("A code-evolver catalogue")
struct CodeEvolverCatalogueTests {
    let folder = EmptyFolder()
    /// The project folder (`root`): the one that holds `tools/`.
    var project: String { folder.root.url("repo/code_evolver") }

    /// A script that prints what it was given and where it runs.
    static let reporter = """
        import json, os, sys
        request = json.loads(sys.stdin.read() or "{}")
        print(json.dumps({"cwd": os.getcwd(), "argv": sys.argv, "input": request, "script": os.path.abspath(sys.argv[0]),
                          "postgres_host": os.environ.get("POSTGRES_HOST"), "secret": os.environ.get("MY_SECRET"),
                          "token": os.environ.get("TOOLHOST_HTTP_TOKEN")}))
        """

    init() {
        let tools = "repo/code_evolver/tools"
        folder.root.write("\(tools)/executable/reporter.py", Self.reporter)
        folder.root.write("\(tools)/executable/reporter.yaml", """
            name: Reporter
            type: executable
            executable:
              command: python
              args: ["{tool_dir}/reporter.py", "{tools_dir}", "{tool_path}", "[{evolved_file}]"]
            input_schema:
              prompt: {type: string, required: false}
            """)
        // YAML in a sub-folder, its script in tools/executable: {tool_dir} is that folder.
        folder.root.write("\(tools)/text/upper.yaml", """
            name: Upper
            type: executable
            executable: {command: python3, args: ["{tool_dir}/reporter.py"]}
            """)
        folder.root.write("\(tools)/script/scripted.yaml", """
            name: Scripted
            type: executable
            executable:
              script_path: tools/executable/reporter.py
              interpreter: python3
              entry_point: main
            input_schema:
              prompt: "string - What to report"
            """)
        folder.root.write("\(tools)/bom/bom_tool.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array("""
            name: "Übersetzer"
            description: "Translates — with a byte-order mark"
            type: executable
            executable: {command: python3, args: ["{tool_dir}/reporter.py"]}
            """.utf8))
        // code-evolver's other convention: paths relative to the folder above the project.
        folder.root.write("\(tools)/legacy/parent_style.yaml", """
            name: Parent style
            type: executable
            executable: {command: python3, args: ["code_evolver/tools/executable/reporter.py"]}
            """)
        folder.root.write("\(tools)/perf/local.py", Self.reporter)
        folder.root.write("\(tools)/perf/local_tool.yaml", """
            name: Local
            type: executable
            executable: {command: python3, args: ["{tool_path}/local.py"]}
            """)
        folder.root.write("\(tools)/executable/pg_env.yaml", """
            name: Postgres environment
            type: executable
            executable: {command: python3, args: ["{tool_dir}/reporter.py"]}
            """)
        // A promoted tool: code-evolver runs the evolved script in place of {tool_dir}/*.py.
        folder.root.write("\(tools)/executable/evolving.yaml", """
            name: Evolving
            type: executable
            executable: {command: python3, args: ["{tool_dir}/reporter.py"]}
            """)
        folder.root.write("\(tools)/executable/evolving_v1_1.py", Self.reporter)
        folder.root.write("repo/code_evolver/.tool_promotions.json",
                          #"{"evolving": {"evolved_version": "1.1", "evolved_file": "tools/executable/evolving_v1_1.py"}}"#)
        folder.root.write("\(tools)/broken/missing_script.yaml", """
            name: Missing
            type: executable
            executable:
              command: python3
              args:
                - "{tool_dir}/not_there.py"
            """)
        folder.root.write("toolhost.yaml", """
            tools:
              paths:
                - path: repo/code_evolver/tools
                  layout: code-evolver
            plugins:
              environment:
                secrets: [MY_SECRET, TOOLHOST_HTTP_TOKEN]
            """)
    }

    private var config: [String] { ["--config", folder.root.url("toolhost.yaml")] }
    /// code-evolver puts POSTGRES_* in its own environment for its tools; ToolHost itself keeps
    /// to SQLite here (TOOLHOST_DATABASE_TYPE wins over POSTGRES_HOST).
    private var environment: [String: String] {
        ["POSTGRES_HOST": "db.example", "MY_SECRET": "s3cret", "TOOLHOST_HTTP_TOKEN": "t0ken", "TOOLHOST_DATABASE_TYPE": "sqlite"]
    }

    private func run(_ tool: String, _ input: String = "{}") throws -> ToolHostBinary.Result {
        try folder.run(["run", tool] + config, input: input, environment: environment)
    }

    @Test func everyToolRunsFromTheProjectFolderWithCodeEvolversPlaceholders() throws {
        let tools = "\(project)/tools"
        let reporter = try run("reporter", #"{"prompt": "hi"}"#)
        #expect(reporter.status == 0, "\(reporter.stdoutText) \(reporter.stderr)")
        #expect(reporter.json["cwd"] == .string(project))
        #expect(reporter.json["argv"] == .array([.string("\(tools)/executable/reporter.py"), .string(tools), .string("\(tools)/executable"), "[]"]))
        #expect(reporter.json["input"] == ["prompt": "hi"])
        // The caller's environment passes through, except what the config names as secrets.
        #expect(reporter.json["postgres_host"] == "db.example")
        #expect(reporter.json["secret"] == .null)
        #expect(reporter.json["token"] == .null)

        let upper = try run("upper")
        #expect(upper.json["script"] == .string("\(tools)/executable/reporter.py"), "\(upper.stdoutText) \(upper.stderr)")
        let scripted = try run("scripted", #"{"prompt": "via stdin"}"#)
        #expect(scripted.status == 0, "\(scripted.stdoutText) \(scripted.stderr)")
        #expect(scripted.json["argv"] == ["tools/executable/reporter.py"])
        #expect(scripted.json["input"] == ["prompt": "via stdin"])
        let bom = try run("bom_tool")
        #expect(bom.status == 0, "\(bom.stderr)")
        let parent = try run("parent_style")
        #expect(parent.json["script"] == .string("\(tools)/executable/reporter.py"), "\(parent.stdoutText) \(parent.stderr)")
        let local = try run("local_tool")
        #expect(local.json["script"] == .string("\(tools)/perf/local.py"), "\(local.stdoutText) \(local.stderr)")
        let postgres = try run("pg_env")
        #expect(postgres.json["postgres_host"] == "db.example")
        let evolved = try run("evolving")
        #expect(evolved.json["script"] == .string("\(tools)/executable/evolving_v1_1.py"), "\(evolved.stdoutText) \(evolved.stderr)")
        // A promotion whose file is gone: the original runs, and a warning says why.
        try FileManager.default.removeItem(atPath: "\(tools)/executable/evolving_v1_1.py")
        let original = try run("evolving")
        #expect(original.json["script"] == .string("\(tools)/executable/reporter.py"), "\(original.stdoutText) \(original.stderr)")
        #expect(original.stderr.contains("its evolved file tools/executable/evolving_v1_1.py does not exist"), "\(original.stderr)")
        #expect(folder.workContents.isEmpty)

        let missing = try run("missing_script")
        #expect(missing.status == 127)
        #expect(missing.json["error"]?.stringValue?.contains("\(tools)/executable/not_there.py") == true, "\(missing.stdoutText)")
    }

    @Test func validateReportsAMissingScriptWithItsLineAndThePathTried() throws {
        let validated = try folder.run(["validate"] + config, environment: environment)
        #expect(validated.status == 1)
        let lines = validated.stdoutText.split(separator: "\n").map(String.init)
        let problem = lines.first { $0.contains("missing_script.yaml") }
        #expect(problem?.contains("missing_script.yaml:6:") == true, "\(validated.stdoutText)")
        #expect(problem?.contains("error: the script {tool_dir}/not_there.py does not exist where the plugin runs (looked for \(project)/tools/executable/not_there.py)") == true,
                "\(validated.stdoutText)")
        #expect(lines.last == "1 error, 0 warnings", "\(validated.stdoutText)")
    }

    @Test func listJSONCarriesEachToolsProblems() throws {
        let listed = try folder.run(["list", "--json"] + config, environment: environment)
        let tools = listed.json["data"]?.arrayValue ?? []
        let broken = tools.first { $0["id"] == "missing_script" }
        #expect(broken?["problems"]?[0]?["severity"] == "error")
        #expect(broken?["problems"]?[0]?["at"] == "/executable/args/0")
        #expect(broken?["problems"]?[0]?["message"]?.stringValue?.contains("not_there.py") == true)
        let clean = tools.filter { $0["builtin"] == false && $0["id"] != "missing_script" }
        #expect(clean.count == 8)
        #expect(clean.allSatisfy { $0["problems"] == nil }, "\(clean.filter { $0["problems"] != nil })")
        let described = try folder.run(["describe", "reporter", "--format", "json"] + config, environment: environment)
        #expect(described.json["layout"] == "code-evolver")
    }

    @Test func aScriptMissingFromBothPlacesIsReportedWithBothPaths() throws {
        folder.root.write("repo/code_evolver/tools/legacy/nowhere.yaml", """
            name: Nowhere
            executable: {command: python3, args: ["code_evolver/tools/executable/nowhere.py"]}
            """)
        let listed = try folder.run(["list", "--json"] + config, environment: environment)
        let message = listed.json["data"]?.arrayValue?.first { $0["id"] == "nowhere" }?["problems"]?[0]?["message"]?.stringValue ?? ""
        #expect(message.contains("looked for \(project)/code_evolver/tools/executable/nowhere.py and \(folder.root.url("repo"))/code_evolver/tools/executable/nowhere.py"),
                "\(message)")
    }
}

/// code-evolver's own storage layer, as a stand-in written here (Tests/Fixtures/code-evolver):
/// its calls of `bulk_data_store` and `postgres_client` by subprocess, every unset argument
/// passed as None, through the one-line shim that hands `python tools/executable/X.py` to
/// `toolhost run X` — on SQLite with no configuration, and on PostgreSQL as code-evolver points
/// its tools at it (POSTGRES_* in the environment).
@Suite("code-evolver's storage layer through ToolHost")
struct CodeEvolverStorageTests {
    static let fixtures = FilePath.join(ToolHostPaths.packageRoot, "Tests/Fixtures/code-evolver")

    @Test(arguments: Engine.allCases)
    func everyCallSucceedsAndReadsBack(engine: Engine) throws {
        let folder = EmptyFolder()
        let database = try TestDatabase(engine)
        let project = folder.work
        // code-evolver's folder: its own config.yaml, and its two tools replaced by the shim.
        try "llm:\n  models: {}\ndatabase:\n  enabled: true\n  type: postgres\n".write(
            toFile: FilePath.join(project, "config.yaml"), atomically: true, encoding: .utf8)
        let shim = try String(contentsOfFile: FilePath.join(Self.fixtures, "toolhost_shim.py"), encoding: .utf8)
        for tool in ["bulk_data_store", "postgres_client"] {
            folder.root.write("work/tools/executable/\(tool).py", shim)
        }
        let python = try TestPython.path()
        var environment = folder.environment(["PATH": FilePath.directory(of: folder.binary.path) + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        if engine == .postgres { environment.merge(try Self.postgresVariables(database)) { $1 } }
        let scenario = try RunningProcess(python, [FilePath.join(Self.fixtures, "scenario.py"), project], environment: environment, directory: project)
        let ended = try scenario.waitForExit(within: 300)
        let report = try? JSONParser.parse(ended.remaining.joined(separator: "\n"))
        #expect(ended.status == 0, "\(ended.remaining) \(scenario.stderr)")
        #expect(report?["ok"] == true, "\(ended.remaining)")
        #expect((report?["calls"]?.integerValue ?? 0) >= 25)
        // Each call warned once (code-evolver's config.yaml is not ToolHost's), and nothing more.
        #expect(report?["stderr_lines"] == 1)
        #expect(folder.workContents == ["config.yaml", "tools"])
        if engine == .sqlite {
            #expect(FileManager.default.fileExists(atPath: FilePath.join(folder.dataDirectory, "toolhost.db")))
        }
    }

    /// POSTGRES_HOST, _PORT, _DB, _USER (and _PASSWORD) for the test's database, as
    /// code-evolver's DatabaseStorage exports them for its tools.
    static func postgresVariables(_ database: TestDatabase) throws -> [String: String] {
        let url = try #require(database.settings.url.flatMap { URLComponents(string: $0) })
        var variables = ["POSTGRES_DB": String(url.path.dropFirst()), "POSTGRES_USER": url.user ?? "postgres"]
        for item in url.queryItems ?? [] {
            switch item.name {
            case "host": variables["POSTGRES_HOST"] = item.value
            case "port": variables["POSTGRES_PORT"] = item.value
            default: break
            }
        }
        if let host = url.host, !host.isEmpty { variables["POSTGRES_HOST"] = host }
        if let port = url.port { variables["POSTGRES_PORT"] = String(port) }
        if let password = url.password { variables["POSTGRES_PASSWORD"] = password }
        return variables
    }
}
