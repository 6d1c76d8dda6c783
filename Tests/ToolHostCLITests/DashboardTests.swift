import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
import ToolHostStorage

/// The dashboard of `toolhost serve --http` through the real binary, on both engines, against a
/// database holding known data: what each view shows (numbers, rows, drawn charts), the run
/// browser's filters, the token behind a login form, and — in headless Chromium from Debian's
/// packages — the pages as a browser renders them, with screenshots kept as test artefacts.
@Suite("The dashboard")
struct DashboardTests {
    let fixture = CLIFixture()
    private let quiet = ["TOOLHOST_RECORD_INVOCATIONS": "false"]

    private func run(_ tool: String, _ input: String, database: TestDatabase) throws -> JSONValue {
        let result = try fixture.run(["run", tool, "--tools-dir", ToolHostPaths.shippedTools], input: input,
                                     environment: database.environment.merging(quiet) { $1 })
        try #require(result.json["success"] == true, "\(tool): \(result.stdoutText) \(result.stderr)")
        return result.json
    }

    /// Eleven calls of three tools (three failed, one with "boom"), three conversations (one
    /// exported), prompt steps over four days with a population, one generated tool.
    private func seed(_ database: TestDatabase) throws {
        let now = Timestamp.now().seconds
        func at(_ minutesAgo: Int64) -> String { Timestamp(seconds: now - minutesAgo * 60).iso8601 }
        var executions: [String] = []
        for (index, duration) in [4, 6, 8, 12, 15, 30].enumerated() {
            executions.append(#"{"tool_name": "search", "success": \#(index != 5), "duration_ms": \#(duration), "input_params": {"query": "q\#(index)"}, "output_result": {"hits": \#(index)}, "agent_id": "planner", "created_at": "\#(at(Int64(10 + index)))"}"#)
        }
        for index in 0..<3 {
            executions.append(#"{"tool_name": "store", "success": true, "duration_ms": 120, "agent_id": "writer", "created_at": "\#(at(Int64(90 + index)))"}"#)
        }
        for index in 0..<2 {
            executions.append(#"{"tool_name": "flaky", "success": false, "duration_ms": 900, "error_code": "plugin_failed", "error": "boom <\#(index)>", "created_at": "\#(at(Int64(200 + index)))"}"#)
        }
        _ = try run("training_data_store", #"{"operation": "store_tool_executions", "executions": [\#(executions.joined(separator: ", "))]}"#, database: database)
        for (index, quality) in [0.9, 0.5, 0.1].enumerated() {
            let id = try #require(try run("conversation_store", #"{"operation": "start_conversation", "user_id": "u\#(index)"}"#, database: database)["conversation_id"]?.integerValue)
            _ = try run("conversation_store", #"{"operation": "add_message", "conversation_id": \#(id), "role": "assistant", "content": "answer", "quality_score": \#(quality)}"#, database: database)
            if index == 0 { _ = try run("conversation_store", #"{"operation": "mark_exported", "conversation_id": \#(id)}"#, database: database) }
        }
        let profile = try #require(try run("prompt_evolution_store", #"{"operation": "save_profile", "corpus_id": "trivia", "task_type": "qa", "profile": {"prompt": "Answer briefly."}}"#, database: database)["profile_id"]?.stringValue)
        // Rewards over four days: trivia/qa 0.3 (mean of 0.25 and 0.35), 0.5, 0.6, 0.75; code/fix 0.4, 0.45.
        let steps = [("trivia", "qa", 0.25, 3), ("trivia", "qa", 0.35, 3), ("trivia", "qa", 0.5, 2), ("trivia", "qa", 0.6, 1), ("trivia", "qa", 0.75, 0),
                     ("code", "fix", 0.4, 2), ("code", "fix", 0.45, 0)].map { corpus, task, reward, daysAgo in
            #"{"corpus_id": "\#(corpus)", "task_type": "\#(task)", "reward": \#(reward), "created_at": "\#(at(Int64(daysAgo) * 1440 + 5))"}"#
        }
        _ = try run("prompt_evolution_store", #"{"operation": "log_training_steps", "steps": [\#(steps.joined(separator: ", "))]}"#, database: database)
        _ = try run("prompt_evolution_store", #"{"operation": "add_to_population", "corpus_id": "trivia", "task_type": "qa", "profile_id": "\#(profile)", "fitness_score": 0.875}"#, database: database)
        _ = try run("bulk_data_store", #"{"operation": "store_tool", "tool_id": "gen_csv", "tool_name": "CSV <parser>", "tool_type": "executable", "tool_yaml": "name: gen_csv\ntype: executable\n"}"#, database: database)
    }

    @Test(arguments: Engine.allCases)
    func everyViewShowsWhatWasRecorded(engine: Engine) async throws {
        let database = try TestDatabase(engine)
        try seed(database)
        let server = try await HTTPServer.start(fixture, ["--tools-dir", ToolHostPaths.shippedTools], environment: database.environment.merging(quiet) { $1 })
        let overview = try await server.send("GET", "/")
        #expect(overview.status == 200 && overview.header("Content-Type") == "text/html; charset=utf-8")
        let page = overview.text
        #expect(page.contains(#"<div class="card" id="calls-48h"><b>11</b>"#) && page.contains(#"<div class="card" id="failed-48h"><b>3</b>"#), "\(page)")
        #expect(page.contains(#"data-chart="calls-per-hour""#) && page.contains(#"<rect class="bar""#))
        #expect(page.contains(#"data-chart="failures-by-tool""#) && page.contains(#"data-label="flaky" data-value="2""#))
        for tool in ["search", "store", "flaky"] { #expect(page.contains(">\(tool)</a></td>"), "\(tool)") }
        #expect(page.contains("boom &lt;1&gt;") && !page.contains("boom <1>"), "escaped")
        // Nothing is fetched from anywhere: no script, stylesheet or image of another origin.
        #expect(!page.contains("<script") && !page.contains("http://") || page.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!page.contains("https://"))

        let search = try await server.send("GET", "/ui/calls?tool=search").text
        #expect(search.components(separatedBy: "<a href=\"/ui/calls/").count - 1 == 6, "\(search)")
        let failed = try await server.send("GET", "/ui/calls?outcome=failed").text
        #expect(failed.components(separatedBy: "class=\"failed\">failed</span>").count - 1 == 3, "\(failed)")
        let first = try #require(search.range(of: #"<a href="/ui/calls/(\d+)""#, options: .regularExpression).map { String(search[$0]) })
        let id = first.filter(\.isNumber)
        let call = try await server.send("GET", "/ui/calls/\(id)")
        #expect(call.status == 200 && call.text.contains("&quot;query&quot;") && call.text.contains("planner"), "\(call.text)")
        #expect(try await server.send("GET", "/ui/calls/999999").status == 404)
        let refused = try await server.send("GET", "/ui/calls?outcome=maybe")
        #expect(refused.status == 400 && refused.text.contains("outcome is ok or failed (or empty for both), not &quot;maybe&quot;."), "\(refused.text)")
        #expect(try await server.send("GET", "/ui/calls?before=yesterday").status == 400)
        #expect(try await server.send("GET", "/ui/calls?tool=a%00b").status == 400, "a NUL, which PostgreSQL refuses, is the caller's mistake")

        let training = try await server.send("GET", "/ui/training").text
        #expect(training.contains("<td>tool calls</td><td class=\"num\">11</td>") && training.contains("<td>conversations</td><td class=\"num\">3</td>"), "\(training)")
        #expect(training.contains(#"<div class="card" id="exported"><b>1</b>"#) && training.contains(#"<div class="card" id="not-exported"><b>2</b>"#))
        #expect(training.contains(#"data-label="0.8–1.0" data-value="1""#) && training.contains(#"data-label="0.0–0.2" data-value="1""#))
        let prompts = try await server.send("GET", "/ui/prompts").text
        #expect(prompts.contains(#"data-series="trivia / qa""#) && prompts.contains(#"data-series="code / fix""#), "\(prompts)")
        for mean in ["0.3", "0.5", "0.6", "0.75", "0.4", "0.45"] { #expect(prompts.contains(#"data-value="\#(mean)""#), "mean reward \(mean)") }
        #expect(prompts.contains("<td class=\"num\">0.875</td>"))
        let tools = try await server.send("GET", "/ui/tools").text
        #expect(tools.contains("<h2>gen_csv</h2>") && tools.contains("CSV &lt;parser&gt;") && tools.contains("name: gen_csv"))
        try await server.expectCleanExit()
    }

    @Test func withATokenTheViewsAskForItOnceAndTheAPIStillWantsTheHeader() async throws {
        let database = try TestDatabase(.sqlite)
        let environment = database.environment.merging(quiet) { $1 }.merging(["TOOLHOST_HTTP_TOKEN": "s3cret"]) { $1 }
        let server = try await HTTPServer.start(fixture, environment: environment)
        // A browser without the cookie is sent to the form (URLSession follows the 303).
        let asked = try await server.send("GET", "/ui/training")
        #expect(asked.status == 200 && asked.text.contains(#"<form method="post" action="/ui/login">"#), "\(asked.text)")
        let wrong = try await server.send("POST", "/ui/login", "token=nope", headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(wrong.status == 401 && wrong.text.contains("That is not the service&#39;s token."))
        let right = try await server.send("POST", "/ui/login", "token=s3cret", headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(right.status == 200 && right.text.contains("<h1>Overview</h1>"), "the cookie is kept and / answers")
        // The cookie opens the views only: the API still wants the bearer header.
        let api = try await server.send("GET", "/api/tools")
        #expect(api.status == 401)
        let withHeader = try await server.send("GET", "/api/tools", headers: ["Authorization": "Bearer s3cret"])
        #expect(withHeader.status == 200)
        try await server.expectCleanExit()
    }

    // MARK: A real browser

    /// Headless Chromium from Debian's packages (scripts/setup.sh installs it).
    private static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    private func chromium(_ arguments: [String]) throws -> String {
        let path = try #require(Self.chromium, "headless Chromium is needed: apt-get install -y chromium (scripts/setup.sh)")
        let profile = fixture.directory.url("chromium-profile")
        let process = try RunningProcess(path, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                                                "--user-data-dir=\(profile)", "--virtual-time-budget=3000"] + arguments,
                                         environment: ["HOME": fixture.directory.path], directory: fixture.directory.path)
        let exit = try process.waitForExit(within: 60)
        #expect(exit.status == 0, "chromium \(arguments): \(process.stderr)")
        return exit.remaining.joined(separator: "\n")
    }

    @Test func chromiumRendersEveryViewAndScreenshotsAreKept() async throws {
        let database = try TestDatabase(.sqlite)
        try seed(database)
        let server = try await HTTPServer.start(fixture, ["--tools-dir", ToolHostPaths.shippedTools], environment: database.environment.merging(quiet) { $1 })
        let artefacts = FilePath.join(ToolHostPaths.packageRoot, ".build/test-artifacts/dashboard")
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        for (path, name, expected) in [("/", "overview", ["Tool calls per hour", "flaky", "boom &lt;0&gt;"]),
                                       ("/ui/calls", "calls", ["planner", "writer"]),
                                       ("/ui/training", "training", ["Conversations by quality", "prompt training steps"]),
                                       ("/ui/prompts", "prompts", ["trivia / qa", "0.875"]),
                                       ("/ui/tools", "tools", ["gen_csv", "name: gen_csv"])] {
            let url = "http://127.0.0.1:\(server.port)\(path)"
            let dom = try await blocking { try self.chromium(["--dump-dom", url]) }
            for text in expected { #expect(dom.contains(text), "\(path) shows \(text)") }
            if path != "/ui/calls", path != "/ui/tools" {
                #expect(dom.contains("<svg class=\"chart\"") && dom.range(of: #"<(rect|circle) class="(bar|point)""#, options: .regularExpression) != nil,
                        "\(path) draws its charts")
            }
            let shot = FilePath.join(artefacts, "\(name).png")
            _ = try await blocking { try self.chromium(["--screenshot=\(shot)", "--window-size=1200,1400", url]) }
            let size = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(shot) is \(size) bytes")
        }
        try await server.expectCleanExit()
    }
}
