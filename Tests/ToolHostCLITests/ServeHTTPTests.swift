import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
import ToolHostTools

/// `toolhost serve --http` through the real binaries (`toolhost serve` hands over to
/// `toolhost-serve`): the tool API and its status mapping, the body limit, bearer auth, the
/// metrics, the health check, the training endpoints and the SIGTERM drain.
///
/// Serialized: every server holds two of Dispatch's global threads for its output
/// (`RunningProcess`), and on Linux that pool grows only slowly when its threads block, so a
/// dozen servers started at once waited up to ~20 s for their first line.
@Suite("toolhost serve --http", .serialized)
struct ServeHTTPTests {
    let fixture = CLIFixture()

    // MARK: - The catalogue

    @Test func theToolListIsTheCatalogueOfListAndFilters() async throws {
        let server = try await HTTPServer.start(fixture)
        let listed = try await blocking { [fixture] in try fixture.run(["list", "--json"]) }
        #expect(listed.status == 0)

        let all = try await server.send("GET", "/api/tools")
        #expect(all.status == 200)
        #expect(all.header("Content-Type") == "application/json")
        #expect(all.json["success"] == true)
        #expect(ids(all.json).contains("echo") && ids(all.json).contains("hang") && ids(all.json).contains("chat"))
        #expect(ids(all.json) == ids(listed.json))
        #expect(all.json["data"] == listed.json["data"])
        #expect(all.json["count"]?.integerValue == ids(all.json).count)

        let llm = try await server.send("GET", "/api/tools?type=llm")
        #expect(ids(llm.json) == ["chat"])
        let tagged = try await server.send("GET", "/api/tools?tag=test")
        let listedTagged = try await blocking { [fixture] in try fixture.run(["list", "--json", "--tag", "test"]) }
        #expect(ids(tagged.json) == ["echo", "text"])
        #expect(ids(tagged.json) == ids(listedTagged.json))
        let both = try await server.send("GET", "/api/tools?type=executable&tag=json")
        #expect(ids(both.json) == ["echo"])
        let none = try await server.send("GET", "/api/tools?tag=no-such-tag")
        #expect(none.status == 200 && ids(none.json) == [] && none.json["count"] == 0)

        let echo = try await server.send("GET", "/api/tools/echo")
        #expect(echo.status == 200)
        #expect(echo.json["id"] == "echo")
        #expect(echo.json["input_schema"]?["properties"]?["message"]?["type"] == "string")
        #expect(echo.json["input_schema"]?["required"] == ["message"])
        let described = try await blocking { [fixture] in try fixture.run(["describe", "echo", "--format", "json"]) }
        #expect(echo.json == described.json)

        let unknown = try await server.send("GET", "/api/tools/no_such_tool")
        #expect(unknown.status == 404)
        #expect(unknown.json["success"] == false)
        #expect(unknown.json["error_code"] == "unknown_tool")

        let noRoute = try await server.send("GET", "/api/nothing-here")
        #expect(noRoute.status == 404)
        #expect(noRoute.json["error_code"] == "not_found")
        try await server.expectCleanExit()
    }

    // MARK: - Invoking

    @Test func invokeAnswersExactlyWhatRunPrintsWithTheExitCode() async throws {
        let server = try await HTTPServer.start(fixture)
        for input in [#"{"message": "hi"}"#, #"{"message": "héllo ✓", "times": 3}"#] {
            let served = try await server.send("POST", "/api/tools/echo/invoke", input)
            let run = try await blocking { [fixture] in try fixture.run(["run", "echo"], input: input) }
            #expect(run.status == 0)
            #expect(served.status == 200)
            #expect(served.header("Content-Type") == "application/json")
            #expect(served.header("X-ToolHost-Exit-Code") == "0")
            #expect(served.json == run.json, "input \(input)")
        }
        #expect(try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "hi"}"#).json == ["message": "hi", "times": 1])

        // Schema violations: the same answer as run, 400 and exit code 2.
        let invalidInput = #"{"times": 0, "colour": "red"}"#
        let invalid = try await server.send("POST", "/api/tools/echo/invoke", invalidInput)
        let invalidRun = try await blocking { [fixture] in try fixture.run(["run", "echo"], input: invalidInput) }
        #expect(invalid.status == 400)
        #expect(invalid.header("X-ToolHost-Exit-Code") == "2")
        #expect(invalid.json["error_code"] == "invalid_input")
        #expect((invalid.json["violations"]?.arrayValue?.count ?? 0) >= 2)
        #expect(invalid.json["violations"] == invalidRun.json["violations"])
        #expect(invalid.json == invalidRun.json)

        // A body that is not JSON, and one that is JSON but not an object.
        let notJSON = try await server.send("POST", "/api/tools/echo/invoke", "not json")
        #expect(notJSON.status == 400)
        #expect(notJSON.json["error_code"] == "invalid_json")
        let array = try await server.send("POST", "/api/tools/echo/invoke", "[1, 2]")
        #expect(array.status == 400)
        #expect(array.json["error_code"] == "invalid_input")

        // An empty body is the input {}: echo then misses its required message, as run says.
        let empty = try await server.send("POST", "/api/tools/echo/invoke", "")
        let emptyRun = try await blocking { [fixture] in try fixture.run(["run", "echo"], input: "{}") }
        #expect(empty.status == 400)
        #expect(empty.json["error_code"] == "invalid_input")
        #expect(empty.json == emptyRun.json)

        // A plugin that fails: its own answer, 502 (it is the server's upstream), and its exit status.
        let failed = try await server.send("POST", "/api/tools/fail/invoke", "{}")
        let failedRun = try await blocking { [fixture] in try fixture.run(["run", "fail"], input: "{}") }
        #expect(failedRun.status == 3)
        #expect(failed.status == 502)
        #expect(failed.header("X-ToolHost-Exit-Code") == "3")
        #expect(failed.json == failedRun.json)
        #expect(failed.json == ["success": false, "error": "boom"])

        // A plugin past its timeout (0.5 s in its manifest).
        let hung = try await server.send("POST", "/api/tools/hang/invoke", "{}")
        #expect(hung.status == 504)
        #expect(hung.header("X-ToolHost-Exit-Code") == "124")
        #expect(hung.json["error_code"] == "timeout")

        let unknown = try await server.send("POST", "/api/tools/no_such_tool/invoke", "{}")
        #expect(unknown.status == 404)
        #expect(unknown.header("X-ToolHost-Exit-Code") == "127")
        #expect(unknown.json["error_code"] == "unknown_tool")

        // Query parameters: a bad timeout is refused, the envelope is the plugin's record.
        let badTimeout = try await server.send("POST", "/api/tools/echo/invoke?timeout=soon", #"{"message": "hi"}"#)
        #expect(badTimeout.status == 400)
        #expect(badTimeout.json["error_code"] == "invalid_request")
        let envelope = try await server.send("POST", "/api/tools/echo/invoke?envelope=true", #"{"message": "hi"}"#)
        #expect(envelope.status == 200)
        #expect(envelope.json["exit_code"] == 0)
        #expect(envelope.json["output"] == ["message": "hi", "times": 1])
        try await server.expectCleanExit()
    }

    // MARK: - Body limit

    /// A workflow answers over HTTP as `run` prints it, a failing step's exit status included.
    @Test func aWorkflowAnswersAsRunDoesAndAFailingStepKeepsItsExitStatus() async throws {
        fixture.directory.write("tools/pair.yaml", """
            name: Pair
            type: workflow
            workflow:
              steps:
                - {name: say, tool: echo}
                - {name: then_fail, tool: fail, input: {}, pass_input: false}
            """)
        let server = try await HTTPServer.start(fixture)
        let served = try await server.send("POST", "/api/tools/pair/invoke", #"{"message": "hi"}"#)
        let run = try await blocking { [fixture] in try fixture.run(["run", "pair"], input: #"{"message": "hi"}"#) }
        #expect(run.status != 0)
        #expect(served.header("X-ToolHost-Exit-Code") == String(run.status))
        #expect(served.json == run.json, "\(served.json) vs \(run.stdoutText)")
        #expect(served.json["failed_step"] == "then_fail" && served.json["steps"]?[0]?["status"] == "ok", "\(served.json)")
        // What the step said, never its command line or stderr (expose_plugin_details is off).
        #expect(served.json["steps"]?[1]?["output"] == ["success": false, "error": "boom"], "\(served.json)")
        #expect(!served.text.contains("sh -c"), "\(served.text)")
        try await server.expectCleanExit()
    }

    /// A custom tool's traceback names the server's files: remote callers get the sentence
    /// and the exception's type, not the traceback (expose_plugin_details is off).
    @Test func aCustomToolsTracebackStaysOnTheServer() async throws {
        fixture.directory.write("tools/broken/broken_tool.py", """
            class Broken:
                def execute(self, **params):
                    raise ValueError("the port is already taken")
            """)
        fixture.directory.write("tools/broken/broken.yaml", "name: Broken\ntype: custom\ncustom: {module: broken_tool, class: Broken}\n")
        let run = try await blocking { [fixture] in try fixture.run(["run", "broken"], input: "{}") }
        #expect(run.json["traceback"]?.stringValue?.contains("broken_tool.py") == true, "\(run.stdoutText)")
        let server = try await HTTPServer.start(fixture)
        let served = try await server.send("POST", "/api/tools/broken/invoke", "{}")
        #expect(served.json["error_code"] == "custom_execute_failed", "\(served.text)")
        #expect(served.json["exception_type"] == "ValueError")
        #expect(served.json["traceback"] == nil && !served.text.contains("broken_tool.py"), "\(served.text)")
        try await server.expectCleanExit()
    }

    @Test func aBodyOverTheLimitIsRefusedWith413AndTheServerGoesOn() async throws {
        fixture.directory.write("limited.yaml", """
            tools:
              paths: [tools]
            service:
              max_request_bytes: 2048
            """)
        let server = try await HTTPServer.start(fixture, ["--config", "limited.yaml"])
        let large = #"{"message": "\#(String(repeating: "x", count: 3000))"}"#
        let refused = try await server.send("POST", "/api/tools/echo/invoke", large)
        #expect(refused.status == 413)
        #expect(refused.json["success"] == false)
        #expect(refused.json["error_code"] == "request_too_large")
        #expect(refused.json["error"]?.stringValue?.contains("2048") == true)
        let refusedExport = try await server.send("POST", "/api/training/export", #"{"limit": 1, "pad": "\#(String(repeating: "y", count: 4000))"}"#)
        #expect(refusedExport.status == 413)
        #expect(refusedExport.json["error_code"] == "request_too_large")

        // Under the limit (1.5 KB) is served, and so is everything after the refusals.
        let message = String(repeating: "z", count: 1500)
        let fits = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "\#(message)"}"#)
        #expect(fits.status == 200)
        #expect(fits.json == ["message": .string(message), "times": 1])
        #expect(try await server.send("GET", "/healthz").status == 200)
        #expect(try await server.send("POST", "/api/tools/echo/invoke", large).status == 413)
        #expect(try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "again"}"#).json == ["message": "again", "times": 1])
        try await server.expectCleanExit()
    }

    // MARK: - Auth

    @Test func aBearerTokenGuardsEverythingButHealthz() async throws {
        let server = try await HTTPServer.start(fixture, environment: ["TOOLHOST_HTTP_TOKEN": "secret"])
        let missing = try await server.send("GET", "/api/tools")
        #expect(missing.status == 401)
        #expect(missing.header("WWW-Authenticate") == "Bearer")
        #expect(missing.json["error_code"] == "unauthorized")
        #expect(missing.text.contains("secret") == false)

        for header in ["Bearer wrong", "Bearer secre", "Bearer secrets", "Basic secret", "secret", "Bearer "] {
            let wrong = try await server.send("GET", "/api/tools", headers: ["Authorization": header])
            #expect(wrong.status == 401, "\(header)")
            #expect(wrong.header("WWW-Authenticate") == "Bearer", "\(header)")
            #expect(wrong.body == missing.body, "\(header)")
        }
        let refusedCall = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "hi"}"#, headers: ["Authorization": "Bearer nope"])
        #expect(refusedCall.status == 401)
        #expect(refusedCall.body == missing.body)

        let allowed = try await server.send("GET", "/api/tools", headers: ["Authorization": "Bearer secret"])
        #expect(allowed.status == 200)
        #expect(ids(allowed.json).contains("echo"))
        let call = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "hi"}"#, headers: ["Authorization": "Bearer secret"])
        #expect(call.status == 200 && call.json == ["message": "hi", "times": 1])

        let health = try await server.send("GET", "/healthz")
        #expect(health.status == 200 && health.json["status"] == "ok")
        #expect(try await server.send("GET", "/metrics").status == 401)
        let metrics = try await server.send("GET", "/metrics", headers: ["Authorization": "Bearer secret"])
        #expect(metrics.status == 200)
        // The refused call never ran: only the authorised one is counted.
        #expect(metrics.text.contains("toolhost_invocations_total{tool=\"echo\",outcome=\"success\"} 1\n"))
        try await server.expectCleanExit()
    }

    @Test func listingOffLoopbackNeedsAToken() async throws {
        // A name is not loopback however it looks: only 127/8, ::1 and localhost are.
        for address in ["0.0.0.0:0", "127.example.invalid:0"] {
            let refused = try RunningProcess(fixture.binary.path, ["serve", "--http", "--listen", address], directory: fixture.directory.path)
            let exit = try await blocking { try refused.waitForExit(within: 20) }
            #expect(exit.status != 0, "\(address)")
            #expect(!exit.remaining.contains { $0.contains("listening") }, "\(address)")
            #expect(refused.stderr.contains("auth_token"), "\(address): \(refused.stderr)")
            #expect(refused.stderr.contains("TOOLHOST_HTTP_TOKEN"), "\(address)")
        }

        let server = try await HTTPServer.start(fixture, listen: "0.0.0.0:0", environment: ["TOOLHOST_HTTP_TOKEN": "secret"])
        #expect(server.listeningLine.hasPrefix("toolhost serve: listening on http://0.0.0.0:"))
        #expect(try await server.send("GET", "/healthz").status == 200)
        #expect(try await server.send("GET", "/api/tools").status == 401)
        #expect(try await server.send("GET", "/api/tools", headers: ["Authorization": "Bearer secret"]).status == 200)
        try await server.expectCleanExit()
    }

    // MARK: - Metrics

    @Test func metricsCountCallsByToolAndOutcome() async throws {
        let server = try await HTTPServer.start(fixture)
        for index in 1...3 {
            #expect(try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "m\#(index)"}"#).status == 200)
        }
        for _ in 1...2 {
            #expect(try await server.send("POST", "/api/tools/echo/invoke", #"{"times": 0}"#).status == 400)
        }
        #expect(try await server.send("POST", "/api/tools/hang/invoke", "{}").status == 504)
        #expect(try await server.send("POST", "/api/tools/fail/invoke", "{}").status == 502)
        #expect(try await server.send("POST", "/api/tools/no_such_tool/invoke", "{}").status == 404)
        #expect(try await server.send("POST", "/api/tools/another_missing_tool/invoke", "{}").status == 404)
        // A body that is not JSON is a refused call of that tool, counted like the others.
        #expect(try await server.send("POST", "/api/tools/fail/invoke", "{not json").status == 400)

        let metrics = try await server.send("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        let text = metrics.text
        let samples = [
            "toolhost_invocations_total{tool=\"echo\",outcome=\"success\"}": "3",
            "toolhost_invocations_total{tool=\"echo\",outcome=\"invalid_input\"}": "2",
            "toolhost_invocations_total{tool=\"hang\",outcome=\"timeout\"}": "1",
            "toolhost_invocations_total{tool=\"fail\",outcome=\"error\"}": "1",
            "toolhost_invocations_total{tool=\"fail\",outcome=\"invalid_input\"}": "1",
            // Ids that name no tool share one label (callers cannot grow the metrics at will).
            "toolhost_invocations_total{tool=\"(unknown)\",outcome=\"not_found\"}": "2",
            "toolhost_invocation_duration_seconds_count{tool=\"echo\"}": "5",
            "toolhost_invocation_duration_seconds_bucket{tool=\"echo\",le=\"+Inf\"}": "5",
            "toolhost_invocation_duration_seconds_count{tool=\"hang\"}": "1",
            // The hang call lasted at least its 0.5 s timeout: it is in no bucket below that.
            "toolhost_invocation_duration_seconds_bucket{tool=\"hang\",le=\"0.25\"}": "0",
            "toolhost_invocation_duration_seconds_bucket{tool=\"hang\",le=\"+Inf\"}": "1",
            "toolhost_plugin_timeouts_total{tool=\"hang\"}": "1",
            "toolhost_invocations_in_flight": "0",
        ]
        for (series, value) in samples {
            #expect(sample(text, series) == value, "\(series) in:\n\(text)")
        }
        #expect(sample(text, "toolhost_plugin_timeouts_total{tool=\"echo\"}") == nil)
        #expect(!text.contains("no_such_tool") && !text.contains("another_missing_tool"))
        #expect(sample(text, "toolhost_invocations_total{tool=\"echo\",outcome=\"timeout\"}") == nil)
        #expect(text.contains("# TYPE toolhost_invocation_duration_seconds histogram\n"))
        #expect((Double(sample(text, "toolhost_invocation_duration_seconds_sum{tool=\"hang\"}") ?? "") ?? 0) >= 0.5)
        let listed = ids(try await server.send("GET", "/api/tools").json).count
        #expect(sample(text, "toolhost_catalogue_tools").flatMap { Double($0) } == Double(listed))

        // Counting goes on: one more success.
        _ = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "m4"}"#)
        let after = try await server.send("GET", "/metrics").text
        #expect(sample(after, "toolhost_invocations_total{tool=\"echo\",outcome=\"success\"}") == "4")
        #expect(sample(after, "toolhost_invocation_duration_seconds_count{tool=\"echo\"}") == "6")
        try await server.expectCleanExit()
    }

    // MARK: - Health

    @Test(arguments: Engine.allCases)
    func healthzAnswersOKWhenTheDatabaseDoes(engine: Engine) async throws {
        let database = try TestDatabase(engine)
        let server = try await HTTPServer.start(fixture, environment: database.environment)
        let health = try await server.send("GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.header("Content-Type") == "application/json")
        #expect(health.json["status"] == "ok")
        try await server.expectCleanExit()
    }

    @Test func healthzAnswers503WithoutDetailsWhenTheDatabaseIsUnreachable() async throws {
        let url = "postgresql://probe-user@127.0.0.1:1/probe_db?connect_timeout=1"
        let server = try await HTTPServer.start(fixture, environment: ["DATABASE_URL": url, "TOOLHOST_RECORD_INVOCATIONS": "false"])
        let health = try await server.send("GET", "/healthz")
        #expect(health.status == 503)
        #expect(health.json["status"] != "ok")
        #expect(health.json["status"] != nil)
        for detail in ["127.0.0.1", "probe-user", "probe_db", "refused", "connect", "postgres"] {
            #expect(!health.text.lowercased().contains(detail), "\(detail) in \(health.text)")
        }
        // The server itself is fine: calls that need no database are served.
        #expect(try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "hi"}"#).status == 200)
        try await server.expectCleanExit()
    }

    // MARK: - Training endpoints

    @Test(arguments: Engine.allCases)
    func trainingEndpointsExportCountAndMarkConversations(engine: Engine) async throws {
        let database = try TestDatabase(engine)
        let server = try await HTTPServer.start(fixture, ["--tools-dir", "tools", "--tools-dir", ToolHostPaths.shippedTools],
                                                environment: database.environment)
        let started = try await server.send("POST", "/api/tools/conversation_store/invoke",
                                            #"{"operation": "start_conversation", "user_id": "user-7", "platform": "web"}"#)
        #expect(started.status == 200, "\(started.text)")
        let id = try #require(started.json["conversation_id"]?.integerValue, "\(started.text)")
        let messages = [("user", "How do I reset my password?"), ("assistant", "Open Settings, then Security, and choose Reset password.")]
        for (role, content) in messages {
            let added = try await server.send("POST", "/api/tools/conversation_store/invoke",
                                              #"{"operation": "add_message", "conversation_id": \#(id), "role": "\#(role)", "content": "\#(content)"}"#)
            #expect(added.status == 200 && added.json["success"] == true, "\(added.text)")
        }

        // One conversation as a document.
        let one = try await server.send("POST", "/api/training/export", #"{"conversation_id": \#(id)}"#)
        #expect(one.status == 200, "\(one.text)")
        #expect(one.header("X-ToolHost-Exit-Code") == "0")
        let document = one.json["conversation"]
        #expect(document?["conversation_id"]?.integerValue == id)
        #expect(document?["user_id"] == "user-7")
        #expect(document?["metadata"]?["platform"] == "web")
        #expect(document?["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } == messages.map(\.0))
        #expect(document?["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue } == messages.map(\.1))
        let missing = try await server.send("POST", "/api/training/export", #"{"conversation_id": \#(id + 1000)}"#)
        #expect(missing.status == 404)
        #expect(missing.json["error_code"] == "not_found")

        // Statistics: the same answer as the tool run directly, with the right totals.
        let stats = try await server.send("GET", "/api/training/stats")
        #expect(stats.status == 200)
        #expect(stats.json["conversations"]?["total"] == 1)
        #expect(stats.json["conversations"]?["exported"] == 0)
        #expect(stats.json["messages"]?["total"] == 2)
        #expect(stats.json["messages"]?["by_role"] == ["assistant": 1, "user": 1])
        let ranStats = try await blocking { [fixture] in
            try fixture.run(["run", "conversation_store", "--tools-dir", ToolHostPaths.shippedTools], input: #"{"operation": "training_stats"}"#,
                            environment: database.environment.merging(["TOOLHOST_RECORD_INVOCATIONS": "false"]) { $1 })
        }
        #expect(stats.json == ranStats.json)

        // Several conversations inline, as a file, and refused requests.
        let inline = try await server.send("POST", "/api/training/export", #"{"limit": 10}"#)
        #expect(inline.status == 200)
        #expect(inline.json["count"] == 1)
        #expect(inline.json["conversations"]?[0]?["conversation_id"]?.integerValue == id)
        #expect(inline.json["conversations"]?[0] == document)

        let jsonl = try await server.send("POST", "/api/training/export", #"{"format": "jsonl"}"#)
        #expect(jsonl.status == 200, "\(jsonl.text)")
        #expect(jsonl.header("Content-Type") == "application/x-ndjson")
        #expect(jsonl.header("X-ToolHost-Conversations") == "1")
        let lines = jsonl.text.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(jsonl.text.hasSuffix("\n"))
        let line = try JSONParser.parse(String(lines.first ?? ""))
        #expect(line == document)

        let array = try await server.send("POST", "/api/training/export", #"{"format": "json"}"#)
        #expect(array.status == 200)
        #expect(array.header("Content-Type") == "application/json")
        #expect(array.json.arrayValue?.count == 1)
        #expect(array.json[0] == document)

        // Fine-tuning examples over HTTP: scrubbed unless asked not to (the prompt holds an address).
        let prompt = #""system_prompt": "Escalate to admin@example.com""#
        let chat = try await server.send("POST", "/api/training/export", #"{"format": "openai-chat", \#(prompt)}"#)
        #expect(chat.status == 200 && chat.text.contains("[REDACTED:email]") && !chat.text.contains("admin@example.com"), "\(chat.text)")
        let raw = try await server.send("POST", "/api/training/export", #"{"format": "openai-chat", "scrub": false, "deduplicate": false, \#(prompt)}"#)
        #expect(raw.status == 200 && raw.text.contains("admin@example.com"), "\(raw.text)")
        let pairs = try await server.send("POST", "/api/training/export", #"{"format": "openai-preference"}"#)
        #expect(pairs.status == 200 && pairs.header("X-ToolHost-Conversations") == "0", "no rated answers, no pairs: \(pairs.text)")

        #expect(try await server.send("POST", "/api/training/export", #"{"format": "xml"}"#).status == 400)
        let notObject = try await server.send("POST", "/api/training/export", "[1]")
        #expect(notObject.status == 400)
        #expect(notObject.json["error_code"] == "invalid_request")

        // Marking exported, then exporting only what was not.
        let marked = try await server.send("POST", "/api/training/mark-exported/\(id)")
        #expect(marked.status == 200, "\(marked.text)")
        #expect(marked.json["count"] == 1)
        let unexported = try await server.send("POST", "/api/training/export", #"{"only_unexported": true}"#)
        #expect(unexported.status == 200)
        #expect(unexported.json["count"] == 0)
        #expect(unexported.json["conversations"] == [])
        #expect(try await server.send("POST", "/api/training/export", #"{"limit": 10}"#).json["count"] == 1)
        #expect(try await server.send("GET", "/api/training/stats").json["conversations"]?["exported"] == 1)

        let notANumber = try await server.send("POST", "/api/training/mark-exported/abc")
        #expect(notANumber.status == 400)
        #expect(notANumber.json["error_code"] == "invalid_request")
        // The exit after file exports is sigtermStillDrainsAfterAnExportToAFile's subject.
        try await server.stop()
    }

    // MARK: - Overload

    @Test func aFullQueueIsRefusedAtOnceWith503() async throws {
        writeSlowTool()
        for marker in ["started", "release"] { try? FileManager.default.removeItem(atPath: fixture.directory.url("tools/slow/\(marker)")) }
        fixture.directory.write("toolhost.yaml", "tools:\n  paths: [tools]\nservice:\n  max_concurrent_calls: 1\n  max_queued_calls: 1\n")
        let server = try await HTTPServer.start(fixture)
        let running = Task { try await server.send("POST", "/api/tools/slow/invoke", "{}") }
        #expect(try await waitUntil(within: 30) { fixture.directory.exists("tools/slow/started") })
        let waiting = Task { try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "queued"}"#) }
        var queued: String?
        for _ in 0..<1500 where queued != "1" {  // the echo call waits behind the slow one
            queued = sample(try await server.send("GET", "/metrics").text, "toolhost_calls_queued")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(queued == "1")

        let refused = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "one too many"}"#)
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.json["error_code"] == "overloaded")
        #expect(refused.json["error"]?.stringValue?.contains("max_queued_calls") == true)

        fixture.directory.write("tools/slow/release", "")
        #expect(try await running.value.status == 200)
        #expect(try await waiting.value.json == ["message": "queued", "times": 1])
        let metrics = try await server.send("GET", "/metrics").text
        #expect(sample(metrics, "toolhost_invocations_total{tool=\"echo\",outcome=\"overloaded\"}") == "1")
        #expect(sample(metrics, "toolhost_invocations_total{tool=\"echo\",outcome=\"success\"}") == "1")
        try await server.expectCleanExit()
    }

    // MARK: - SIGTERM

    @Test(arguments: Engine.allCases)
    func sigtermLetsTheCallInFlightFinishAndRecordsIt(engine: Engine) async throws {
        let database = try TestDatabase(engine)
        writeSlowTool()
        let server = try await HTTPServer.start(fixture, environment: database.environment)
        let port = server.port
        #expect(canConnect(port: port))

        let answer = try await callInFlightDuringSIGTERM(server)
        #expect(answer.status == 200)
        #expect(answer.header("X-ToolHost-Exit-Code") == "0")
        #expect(answer.json == ["slept": true])

        let exit = try await blocking { try server.process.waitForExit(within: 30) }
        #expect(exit.status == 0, "\(server.process.stderr)")
        #expect(!canConnect(port: port))
        let lateSession = URLSession(configuration: .ephemeral)
        defer { lateSession.invalidateAndCancel() }
        do {
            let late = try await HTTPServer.send(session: lateSession, port: port, "GET", "/healthz")
            Issue.record("a request after the exit was answered: \(late.status) \(late.text)")
        } catch {}

        // Recorded once the server is gone (queued recordings are written before exit).
        let rows = try executions(database).filter { $0["tool_name"] == "slow" }
        try #require(rows.count == 1)
        #expect(rows[0]["success"] == true)
        #expect(rows[0]["exit_code"] == 0)
        #expect(rows[0]["output_result"] == ["slept": true])
    }

    /// An export to a file (`POST /api/training/export` with a format) must leave SIGTERM to the
    /// server: the drain and the exit status 0 hold after one too. The failure this guards
    /// against shows about half the time (which thread takes the signal), hence five rounds.
    @Test(arguments: Engine.allCases)
    func sigtermStillDrainsAfterAnExportToAFile(engine: Engine) async throws {
        let database = try TestDatabase(engine)
        writeSlowTool()
        for round in 1...5 {
            let server = try await HTTPServer.start(fixture, ["--tools-dir", "tools", "--tools-dir", ToolHostPaths.shippedTools],
                                                    environment: database.environment)
            let started = try await server.send("POST", "/api/tools/conversation_store/invoke", #"{"operation": "start_conversation"}"#)
            #expect(started.status == 200, "round \(round)")
            let exported = try await server.send("POST", "/api/training/export", #"{"format": "jsonl"}"#)
            #expect(exported.status == 200, "round \(round)")
            #expect(exported.text.split(separator: "\n").count == round, "round \(round)")

            let answer = try await callInFlightDuringSIGTERM(server)
            #expect(answer.status == 200 && answer.json == ["slept": true], "round \(round)")
            let exit = try await blocking { try server.process.waitForExit(within: 30) }
            #expect(exit.status == 0, "round \(round): the server did not drain and exit 0 after an export to a file")
        }
    }

    /// A plugin that marks it started, then holds its call until the test writes `release`
    /// (at most ~10 s), so the drain is observed without guessing how long anything takes.
    private func writeSlowTool() {
        fixture.directory.write("tools/slow/slow.sh", """
            dir="$(dirname "$0")"
            touch "$dir/started"
            i=0
            while [ ! -e "$dir/release" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
            echo '{"slept": true}'
            """)
        fixture.directory.write("tools/slow/slow.yaml", "name: Slow\ntype: executable\nexecutable: {command: sh, args: [\"{tool_dir}/slow.sh\"]}\n")
    }

    /// Starts a call of the slow tool, sends SIGTERM once its plugin runs, expects new
    /// connections to be refused while it still runs, then lets it finish; its answer.
    private func callInFlightDuringSIGTERM(_ server: HTTPServer) async throws -> HTTPAnswer {
        for marker in ["started", "release"] { try? FileManager.default.removeItem(atPath: fixture.directory.url("tools/slow/\(marker)")) }
        let call = Task { try await server.send("POST", "/api/tools/slow/invoke", "{}") }
        #expect(try await waitUntil(within: 30) { fixture.directory.exists("tools/slow/started") })
        try await Task.sleep(for: .milliseconds(100))
        server.process.signal(SIGTERM)

        // No new connections while the call runs...
        let port = server.port
        #expect(try await waitUntil(within: 10) { !canConnect(port: port) })
        #expect(processExists(server.process.pid), "the server exited with a call in flight; stderr: \(server.process.stderr)")
        // ...and the call in flight still gets its whole answer.
        fixture.directory.write("tools/slow/release", "")
        return try await call.value
    }

    // MARK: - Helpers

    private func ids(_ listing: JSONValue) -> [String] {
        listing["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    /// The value of the sample named exactly `series` (name and labels), or nil.
    private func sample(_ text: String, _ series: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return String(line.dropFirst(series.count + 1))
        }
        return nil
    }

    private func executions(_ database: TestDatabase) throws -> [JSONObject] {
        let connection = try database.connect()
        let table = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.executions)
        return try connection.run("SELECT * FROM \(table) ORDER BY id").rows
    }
}

/// One HTTP answer: status, headers (names lowercased) and body.
struct HTTPAnswer: Sendable {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue { (try? JSONParser.parse(body)) ?? .string("<not JSON: \(text)>") }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A `toolhost serve --http` process started through `toolhost serve` (the hand-off included),
/// on a free port, and a client session of its own.
final class HTTPServer: @unchecked Sendable {
    let process: RunningProcess
    let port: Int
    let listeningLine: String
    private let session = URLSession(configuration: .ephemeral)

    private init(process: RunningProcess, port: Int, listeningLine: String) {
        self.process = process
        self.port = port
        self.listeningLine = listeningLine
    }

    /// Starts the server in the fixture's folder and waits for its "listening on" line.
    static func start(_ fixture: CLIFixture, _ arguments: [String] = [], listen: String = "127.0.0.1:0",
                      environment: [String: String] = [:]) async throws -> HTTPServer {
        try await start(binary: fixture.binary, in: fixture.directory.path, arguments, listen: listen, environment: environment)
    }

    /// Starts `toolhost serve --http` in `directory` and waits for its "listening on" line.
    static func start(binary: ToolHostBinary, in directory: String, _ arguments: [String] = [], listen: String = "127.0.0.1:0",
                      environment: [String: String] = [:]) async throws -> HTTPServer {
        let process = try RunningProcess(binary.path, ["serve", "--http", "--listen", listen] + arguments,
                                         environment: environment, directory: directory)
        let line = try await blocking { try process.readLine(within: 60) }
        let prefix = "toolhost serve: listening on http://"
        guard line.hasPrefix(prefix), let colon = line.lastIndex(of: ":"), let port = Int(line[line.index(after: colon)...]), port > 0 else {
            process.signal(SIGKILL)
            throw RunningProcess.TimedOut(description: "unexpected first line \(line); stderr: \(process.stderr)")
        }
        return HTTPServer(process: process, port: port, listeningLine: line)
    }

    func send(_ method: String, _ path: String, _ body: String? = nil, headers: [String: String] = [:]) async throws -> HTTPAnswer {
        try await Self.send(session: session, port: port, method, path, body, headers: headers)
    }

    static func send(session: URLSession, port: Int, _ method: String, _ path: String, _ body: String? = nil,
                     headers: [String: String] = [:]) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 60
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String { fields[name.lowercased()] = value as? String ?? "\(value)" }
        }
        return HTTPAnswer(status: http.statusCode, headers: fields, body: Array(data))
    }

    /// SIGTERM, then waits for the exit (the process is killed after 30 s); its status.
    @discardableResult
    func stop() async throws -> Int32 {
        process.signal(SIGTERM)
        let process = process
        defer { session.invalidateAndCancel() }
        return try await blocking { try process.waitForExit(within: 30).status }
    }

    /// SIGTERM, then expects exit status 0 within 30 s (the process is killed after that).
    func expectCleanExit(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        process.signal(SIGTERM)
        let process = process
        let status = try await blocking { try process.waitForExit(within: 30).status }
        session.invalidateAndCancel()
        #expect(status == 0, "stderr: \(process.stderr)", sourceLocation: sourceLocation)
    }

    deinit {
        session.invalidateAndCancel()
    }
}

/// Runs blocking work (waiting on a child process) on a thread of its own: off the cooperative
/// threads, and off Dispatch's global pool, which on Linux grows slowly when its threads block.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass, without blocking a thread.
private func waitUntil(within seconds: Double, _ condition: @Sendable () -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// Whether a TCP connection to 127.0.0.1:`port` is accepted (a new connection, never a pooled one).
private func canConnect(port: Int) -> Bool {
    (try? RawHTTPConnection(port: port)) != nil
}
