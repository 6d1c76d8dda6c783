import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `type: custom` tools (issue 17): a Python class with `__init__(config_manager=None)` and
/// `execute(**params)`, run by ToolHost's own harness in a supervised child process, through
/// the real binary from an empty folder.
@Suite("Custom (Python class) tools")
struct CustomToolTests {
    let folder = EmptyFolder()

    /// A package beside the YAML files (ToolHost's layout imports from the YAML's folder).
    static let package = """
        import time

        class Greeter:
            def __init__(self, config_manager=None):
                self.config = config_manager

            def execute(self, name, shout=False, **rest):
                print("diagnostic chatter on stdout must not reach the answer")
                greeting = "hello " + name
                return {"greeting": greeting.upper() if shout else greeting, "extra": sorted(rest)}

        class Configured:
            def __init__(self, config_manager=None):
                self.timeout = config_manager.get("default_timeout", 5)
                self.host = config_manager.get("server.host")
                self.missing = config_manager.get("server.port", "none")
                self.has = "default_timeout" in config_manager

            def execute(self, **params):
                return {"success": True, "timeout": self.timeout, "host": self.host, "missing": self.missing, "has": self.has}

        class Unconfigured:
            def __init__(self, config_manager=None):
                self.manager = config_manager

            def execute(self):
                return {"manager_is_none": self.manager is None}

        class Broken:
            def __init__(self, config_manager=None):
                pass

            def execute(self, **params):
                raise ValueError("the port is already taken")

        class Refusing:
            def execute(self, **params):
                return {"success": False, "error": "nothing to do"}

        class ListAnswer:
            def execute(self, **params):
                return [1, 2, 3]

        class Quitter:
            def execute(self, **params):
                import os, sys
                print("leaving without a word", file=sys.stderr, flush=True)
                os._exit(7)

        class Sleeper:
            def execute(self, pid_file=None, **params):
                import subprocess
                child = subprocess.Popen(["sleep", "300"])
                if pid_file:
                    with open(pid_file, "w") as out:
                        out.write(str(child.pid))
                time.sleep(300)
                return {}
        """

    init() {
        folder.root.write("tools/pkg/__init__.py", "")
        folder.root.write("tools/pkg/greeting.py", Self.package)
        tool("greeter", "Greeter", schema: """
            input_schema:
              name: {type: string, required: true, minLength: 1}
              shout: {type: boolean, default: false}
            """)
        tool("configured", "Configured", extra: "  config: {default_timeout: 30, server: {host: db.local}}\n")
        tool("unconfigured", "Unconfigured")
        tool("broken", "Broken")
        tool("refusing", "Refusing")
        tool("list_answer", "ListAnswer")
        tool("sleeper", "Sleeper", extra: "  timeout: 3\n")
        tool("quitter", "Quitter")
        tool("no_class", "Missing")
        folder.root.write("tools/no_module.yaml", """
            name: no_module
            type: custom
            custom: {module: pkg.nowhere, class: Greeter}
            """)
        folder.root.write("toolhost.yaml", """
            tools:
              paths: [tools]
            plugins:
              kill_grace_seconds: 0.5
            """)
    }

    private func tool(_ id: String, _ className: String, schema: String = "", extra: String = "") {
        folder.root.write("tools/\(id).yaml", """
            name: \(id)
            type: custom
            custom:
              module: pkg.greeting
              class: \(className)
            \(extra)\(schema)
            """)
    }

    private func run(_ tool: String, _ input: String = "{}") throws -> ToolHostBinary.Result {
        try folder.run(["run", tool, "--config", folder.root.url("toolhost.yaml")], input: input,
                       environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
    }

    @Test func theClassAnswersWithTheDictItReturnedAndItsPrintsGoToStderr() throws {
        let result = try run("greeter", #"{"name": "ada", "shout": true}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let answer = result.json
        // As code-evolver's callers print it: no `success` is added.
        #expect(answer == ["greeting": "HELLO ADA", "extra": []])
        #expect(result.stderr.contains("diagnostic chatter on stdout"))
        // The schema's default reaches execute as a keyword.
        let plain = try run("greeter", #"{"name": "bo"}"#)
        #expect(plain.json["greeting"] == "hello bo")
    }

    @Test func inputIsValidatedBeforePythonRuns() throws {
        let result = try run("greeter", #"{"name": ""}"#)
        #expect(result.status == 2)
        let code = result.json["error_code"]
        #expect(code == "invalid_input")
        // Python never ran: the class prints on every call.
        #expect(!result.stderr.contains("diagnostic chatter"))
    }

    @Test func aMissingModuleOrClassIsAClearErrorNamingBoth() throws {
        let module = try run("no_module")
        #expect(module.status == 1)
        let moduleAnswer = module.json
        #expect(moduleAnswer["error_code"] == "custom_module_not_found", "\(module.stdoutText) \(module.stderr)")
        let moduleMessage = moduleAnswer["error"]?.stringValue ?? ""
        #expect(moduleMessage.contains("'pkg.nowhere'") && moduleMessage.contains("'Greeter'"))
        #expect(moduleAnswer["python_path"] == .string(folder.root.url("tools")))

        let missingClass = try run("no_class")
        let classAnswer = missingClass.json
        #expect(classAnswer["error_code"] == "custom_class_not_found", "\(missingClass.stdoutText)")
        #expect(classAnswer["error"] == "The module 'pkg.greeting' has no class 'Missing'.")
        #expect(classAnswer["class"] == "Missing")
    }

    @Test func anExceptionInExecuteIsAFailureWithItsTypeAndMessage() throws {
        let result = try run("broken")
        #expect(result.status == 1)
        let answer = result.json
        #expect(answer["success"] == false)
        #expect(answer["error_code"] == "custom_execute_failed")
        #expect(answer["error"] == "pkg.greeting.Broken.execute raised ValueError: the port is already taken.")
        #expect(answer["exception_type"] == "ValueError")
        // The traceback is a detail (and on stderr), never the sentence.
        let traceback = answer["traceback"]?.stringValue ?? ""
        #expect(traceback.contains("Traceback") && traceback.contains("greeting.py"))
        #expect(result.stderr.contains("Traceback"))
    }

    @Test func aResultThatIsNotADictOrSaysFailureIsReportedAsSuch() throws {
        let list = try run("list_answer")
        let listAnswer = list.json
        #expect(listAnswer["error_code"] == "custom_invalid_result")
        #expect(listAnswer["error"] == "pkg.greeting.ListAnswer.execute returned list, not a dict.")

        // A dict that says it failed is printed as is; the call failed (exit status 1).
        let refusing = try run("refusing")
        #expect(refusing.status == 1)
        #expect(refusing.json == ["success": false, "error": "nothing to do"])
    }

    @Test func aProcessThatEndsWithoutAnsweringSaysHowItEnded() throws {
        let result = try run("quitter")
        #expect(result.status == 1)
        let answer = result.json
        #expect(answer["error_code"] == "custom_process_failed", "\(result.stdoutText)")
        #expect(answer["exit_code"] == 7)
        #expect(answer["error"] == "Tool 'quitter': Python exited with status 7 before pkg.greeting.Quitter answered: leaving without a word.")
    }

    /// Calls are recorded as training data like every call: the dict as output, a failure with its code.
    @Test(arguments: Engine.allCases)
    func callsAreRecordedOnEitherEngine(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let config = ["--config", folder.root.url("toolhost.yaml")]
        let greeted = try folder.run(["run", "greeter"] + config, input: #"{"name": "cy"}"#, environment: database.environment)
        #expect(greeted.status == 0, "\(greeted.stdoutText) \(greeted.stderr)")
        _ = try folder.run(["run", "broken"] + config, input: "{}", environment: database.environment)
        let query = #"{"operation": "query", "data_type": "tool_executions", "filters": {"tool_name": "%@"}}"#
        let recorded = try folder.run(["run", "training_data_store"] + config, input: query.replacingOccurrences(of: "%@", with: "greeter"),
                                      environment: database.environment)
        let row = recorded.json["data"]?[0]
        #expect(row?["success"] == true, "\(recorded.stdoutText)")
        #expect(row?["output_result"]?["greeting"] == "hello cy", "\(recorded.stdoutText)")
        let failed = try folder.run(["run", "training_data_store"] + config, input: query.replacingOccurrences(of: "%@", with: "broken"),
                                    environment: database.environment)
        let failure = failed.json["data"]?[0]
        #expect(failure?["success"] == false, "\(failed.stdoutText)")
        let message = failure?["error"]?.stringValue ?? ""
        #expect(message.contains("ValueError: the port is already taken"), "\(failed.stdoutText)")
        #expect(failure?["error_code"] == "custom_execute_failed", "\(failed.stdoutText)")
    }

    @Test func theTimeoutStopsThePythonProcessAndItsChildren() throws {
        let pidFile = folder.root.url("sleep.pid")
        let started = Date()
        let result = try run("sleeper", #"{"pid_file": "\#(pidFile)"}"#)
        #expect(result.status == 124)
        let code = result.json["error_code"]
        #expect(code == "timeout")
        #expect(Date().timeIntervalSince(started) < 30)
        // The whole process group is stopped, not only Python.
        let pid = try #require(folder.root.read("sleep.pid").flatMap { Int32($0) })
        #expect(eventually { !processIsRunning(pid) }, "the class's subprocess \(pid) outlived the timeout")
    }

    /// Ctrl-C on `toolhost run` stops the class's process group, as for any plugin.
    @Test func aSignalCancelsTheCallAndStopsItsProcesses() throws {
        folder.root.write("tools/waiter.yaml", "name: waiter\ntype: custom\ncustom: {module: pkg.greeting, class: Sleeper, timeout: 600}\n")
        let pidFile = folder.root.url("waiter.pid")
        let host = try folder.start(["run", "waiter", "--config", folder.root.url("toolhost.yaml")],
                                    environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
        host.write(#"{"pid_file": "\#(pidFile)"}"#)
        host.closeInput()
        var pid: Int32?
        _ = eventually(within: 20) {
            pid = folder.root.read("waiter.pid").flatMap { Int32($0) }
            return pid != nil
        }
        let child = try #require(pid, "the class did not start: \(host.stderr)")
        defer { if processIsRunning(child) { kill(child, SIGKILL) } }
        host.signal(SIGINT)
        let ended = try host.waitForExit(within: 20)
        #expect(ended.status == 130, "\(host.stderr)")
        let answer = try? JSONParser.parse(ended.remaining.joined(separator: "\n"))
        #expect(answer?["error_code"] == "cancelled", "\(ended.remaining)")
        #expect(eventually { !processIsRunning(child) }, "the class's subprocess \(child) outlived the cancellation")
    }

    @Test func serveAnswersWithWhatRunPrints() throws {
        let lines = [#"{"id": 1, "tool": "greeter", "input": {"name": "di"}}"#, #"{"id": 2, "tool": "no_class", "input": {}}"#,
                     #"{"id": 3, "tool": "sleeper", "input": {}}"#]
        let started = Date()
        let result = try folder.run(["serve", "--jsonl", "--config", folder.root.url("toolhost.yaml")],
                                    input: lines.map { $0 + "\n" }.joined(), environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
        let answers = result.stdoutText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        let byID = Dictionary(answers.compactMap { answer in answer["id"]?.integerValue.map { ($0, answer) } }) { first, _ in first }
        #expect(byID[1]?["result"] == ["greeting": "hello di", "extra": []], "\(result.stdoutText) \(result.stderr)")
        #expect(byID[2]?["result"]?["error_code"] == "custom_class_not_found", "\(result.stdoutText)")
        #expect(byID[2]?["exit_code"] == 1)
        // The tool's own timeout (custom.timeout: 3) holds in a server too.
        #expect(byID[3]?["result"]?["error_code"] == "timeout", "\(result.stdoutText)")
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func theClassReadsItsConfigThroughConfigManager() throws {
        let result = try run("configured")
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let answer = result.json
        #expect(answer == ["success": true, "timeout": 30, "host": "db.local", "missing": "none", "has": true])
        // Without a `config:` block the class gets None.
        let bare = try run("unconfigured")
        #expect(bare.json == ["manager_is_none": true], "\(bare.stdoutText) \(bare.stderr)")
    }

    @Test func aCustomBlockWithoutModuleOrClassIsReportedByValidate() throws {
        folder.root.write("tools/sloppy.yaml", "name: sloppy\ntype: custom\ncustom: {module: pkg.greeting}\n")
        let validate = try folder.run(["validate", "--config", folder.root.url("toolhost.yaml")])
        #expect(validate.stdoutText.contains("no 'class'") || validate.stderr.contains("no 'class'"),
                "\(validate.stdoutText) \(validate.stderr)")
        let result = try run("sloppy")
        let answer = result.json
        #expect(answer["error_code"] == "unsupported_tool_type")
        #expect(answer["error"] == "Tool 'sloppy' cannot be run: it has neither a 'custom' block with 'module' and 'class' nor an 'executable' block.")
    }
}

/// code-evolver's custom tools name their modules from the project folder (`src.…`), the folder
/// that holds `tools/`: that is where the harness imports from by default.
@Suite("Custom tools in a code-evolver catalogue")
struct CodeEvolverCustomToolTests {
    let folder = EmptyFolder()

    @Test func theModuleIsImportedFromTheProjectFolder() throws {
        let project = "repo/code_evolver"
        folder.root.write("\(project)/src/__init__.py", "")
        folder.root.write("\(project)/src/networking/__init__.py", "")
        folder.root.write("\(project)/src/networking/udp_tools.py", """
            import os

            class UDPListener:
                def __init__(self, config_manager=None):
                    self.timeout = config_manager.get("default_timeout") if config_manager else None

                def execute(self, port=0, **kwargs):
                    return {"success": True, "port": port, "timeout": self.timeout, "cwd": os.getcwd()}
            """)
        folder.root.write("\(project)/tools/custom/udp_listener.yaml", """
            name: UDP listener
            type: custom
            custom: {module: "src.networking.udp_tools", class: "UDPListener", config: {default_timeout: 30}}
            input_schema:
              port: {type: integer, minimum: 1}
            """)
        folder.root.write("toolhost.yaml", """
            tools:
              paths:
                - path: repo/code_evolver/tools
                  layout: code-evolver
            """)
        let result = try folder.run(["run", "udp_listener", "--config", folder.root.url("toolhost.yaml")], input: #"{"port": 5005}"#,
                                    environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let answer = result.json
        #expect(answer == ["success": true, "port": 5005, "timeout": 30, "cwd": .string(folder.root.url(project))])
    }
}
