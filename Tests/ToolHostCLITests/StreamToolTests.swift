import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
import ToolHostTools

/// `type: stream_producer` and `type: stream_consumer` through the real binary: a Python
/// producer that prints numbered items (and waits on a gate file, so a test can read an item
/// before the producer has finished without timing anything), its bounds, its process group
/// stopped in every case, items published to a real Redis, the three serve front ends (MCP
/// progress notifications through the official Python SDK), and consumers reading a producer
/// or a Redis stream with a filter, their per-item calls recorded on both engines.
@Suite("Stream tools through the real binary")
struct StreamToolTests {
    let folder = TemporaryDirectory()
    let binary = ToolHostBinary()

    init() {
        folder.write("tools/ticker.py", """
            import json, os, subprocess, sys, time
            args = json.load(sys.stdin)
            if args.get("pid_file"):
                child = subprocess.Popen(["sleep", "300"])
                with open(args["pid_file"] + ".tmp", "w") as f:
                    f.write(f"{os.getpid()} {child.pid}\\n")
                os.rename(args["pid_file"] + ".tmp", args["pid_file"])
            for i in range(1, args.get("count", 5) + 1):
                print(json.dumps({"n": i, "kind": "odd" if i % 2 else "even"}), flush=True)
                if args.get("text"):
                    print(f"plain line {i}", flush=True)
                if args.get("gate") and i == 1:
                    while not os.path.exists(args["gate"]):
                        time.sleep(0.02)
                time.sleep(args.get("delay", 0))
            if args.get("fail"):
                print("the feed broke", file=sys.stderr)
                sys.exit(3)
            """)
        folder.write("tools/ticker.yaml", """
            name: Ticker
            type: stream_producer
            description: Numbered items, one per line
            executable: {command: python3, args: ["{tool_dir}/ticker.py"], timeout: 600}
            stream: {item_format: json}
            """)
        folder.write("tools/texty.yaml", """
            name: Texty
            type: stream_producer
            executable: {command: sh, args: ["-c", "echo '{\\"a\\": 1}'; echo; echo 'hello there'"]}
            stream: {item_format: text}
            """)
        folder.write("tools/echo.yaml", "name: Echo\ntype: executable\nexecutable: {command: cat}\n")
        folder.write("tools/picky.yaml", """
            name: Picky
            type: executable
            executable: {command: python3, args: ["-c", "import json,sys; v=json.load(sys.stdin)['value']; print(json.dumps({'seen': v} if v % 2 else {'success': False, 'error': 'no even numbers: %d' % v})); sys.exit(0 if v % 2 else 2)"]}
            input_schema:
              value: {type: integer, required: true}
            """)
        folder.write("tools/odd_echo.yaml", """
            name: Odd echo
            type: stream_consumer
            consumer:
              source: {tool: ticker, input: {count: 6}}
              tool: echo
              filter: {kind: odd}
              input: {value: "{{item.n}}", label: "{{input.label}} {{item.n}}"}
            """)
        folder.write("tools/expr_picky.yaml", """
            name: Expression picky
            type: stream_consumer
            consumer:
              source: {tool: ticker, input: {count: 5}}
              tool: picky
              filter: "n > 1 and kind != 'none'"
              input: {value: "{{item.n}}"}
            """)
        folder.write("tools/from_redis.yaml", """
            name: From Redis
            type: stream_consumer
            consumer:
              source: {redis_stream: "toolhost:stream:ticker", from: "0"}
              tool: echo
              filter: "n >= 2"
              input: {value: "{{item.n}}"}
              max_items: 4
            """)
        folder.write("toolhost.yaml", "tools:\n  paths: [tools]\nplugins:\n  kill_grace_seconds: 0.5\n")
    }

    private var quiet: [String: String] { ["TOOLHOST_RECORD_INVOCATIONS": "false"] }

    private func run(_ tool: String, _ input: String, environment: [String: String]? = nil) throws -> ToolHostBinary.Result {
        try binary.run(["run", tool], stdin: Array(input.utf8), environment: environment ?? quiet, directory: folder.path)
    }

    private func start(_ tool: String, _ input: String, environment: [String: String]? = nil) throws -> RunningProcess {
        let process = try RunningProcess(binary.path, ["run", tool], environment: environment ?? quiet, directory: folder.path)
        process.write(input)
        process.closeInput()
        return process
    }

    /// Each stdout line as JSON.
    private func lines(_ text: String) -> [JSONValue] {
        text.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .string("<not JSON: \($0)>") }
    }

    /// The producer's pid and its child's, once it wrote them; killed when the test ends.
    private func pids(in file: String) throws -> [Int32] {
        var pids: [Int32] = []
        _ = eventually(within: 20) {
            pids = (folder.read(file) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
            return pids.count == 2
        }
        try #require(pids.count == 2, "the producer did not start")
        started.append(contentsOf: pids)
        return pids
    }

    private let started = RunSignalTests.PidList()

    // MARK: toolhost run of a producer

    @Test func theCallsBoundsAreInTheSchemaSoAStrictSchemaAcceptsThem() throws {
        folder.write("tools/strict_ticker.yaml", """
            name: Strict ticker
            type: stream_producer
            executable: {command: python3, args: ["{tool_dir}/ticker.py"]}
            input_schema:
              type: object
              properties: {count: {type: integer}}
              additionalProperties: false
            """)
        let result = try run("strict_ticker", #"{"count": 50, "max_items": 2, "duration_seconds": 60}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let items = lines(result.stdoutText)
        #expect(items.count == 2)
        let described = try binary.run(["describe", "strict_ticker", "--format", "mcp"], stdin: [], environment: quiet, directory: folder.path)
        let properties = described.json["inputSchema"]?["properties"]
        #expect(properties?["max_items"]?["type"] == "integer", "\(described.stdoutText)")
        #expect(properties?["duration_seconds"]?["type"] == "number", "\(described.stdoutText)")
        // Still strict about anything else.
        let refused = try run("strict_ticker", #"{"count": 5, "speed": 2}"#)
        #expect(refused.json["error_code"] == "invalid_input", "\(refused.stdoutText)")
    }

    @Test func runPrintsEachItemAsItArrivesThenNothingElse() throws {
        let gate = folder.url("gate")
        let host = try start("ticker", #"{"count": 3, "gate": "\#(gate)"}"#)
        // The producer waits for the gate after its first item: this line came while it ran.
        let first = try host.readLine(within: 30)
        #expect(first == #"{"n":1,"kind":"odd"}"#)
        _ = folder.write("gate", "open")
        let ended = try host.waitForExit(within: 30)
        #expect(ended.status == 0, "\(host.stderr)")
        #expect(ended.remaining == [#"{"n":2,"kind":"even"}"#, #"{"n":3,"kind":"odd"}"#])
        #expect(host.stderr.contains("toolhost: stream 'ticker': 3 items, stopped: ended"), "\(host.stderr)")
    }

    @Test func maxItemsStopsTheProducerAndItsWholeGroup() throws {
        let result = try run("ticker", #"{"count": 100000, "delay": 0.01, "max_items": 3, "pid_file": "\#(folder.url("max.pids"))"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines(result.stdoutText).map { $0["n"] } == [1, 2, 3])
        #expect(result.stderr.contains("3 items, stopped: max_items"), "\(result.stderr)")
        let pids = try pids(in: "max.pids")
        #expect(eventually { pids.allSatisfy { !processIsRunning($0) } }, "still running: \(pids.filter(processIsRunning))")
    }

    @Test func theDurationStopsTheProducerAndItsWholeGroup() throws {
        let result = try run("ticker", #"{"count": 100000, "delay": 0.05, "duration_seconds": 1, "pid_file": "\#(folder.url("d.pids"))"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("stopped: duration"), "\(result.stderr)")
        let items = lines(result.stdoutText)
        #expect(!items.isEmpty)
        #expect(items.enumerated().allSatisfy { $0.element["n"] == .int($0.offset + 1) }, "\(result.stdoutText)")
        let pids = try pids(in: "d.pids")
        #expect(eventually { pids.allSatisfy { !processIsRunning($0) } }, "still running: \(pids.filter(processIsRunning))")
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsTheProducersGroupAndTheExitStatusSaysSo(signal: Int32) throws {
        let host = try start("ticker", #"{"count": 100000, "delay": 0.05, "pid_file": "\#(folder.url("sig.pids"))"}"#)
        let first = try host.readLine(within: 30)
        let pids = try pids(in: "sig.pids")
        host.signal(signal)
        let ended = try host.waitForExit(within: 30)
        #expect(ended.status == 128 + signal, "\(host.stderr)")
        // Nothing but items on stdout, in order.
        let items = lines(([first] + ended.remaining).joined(separator: "\n"))
        #expect(items.enumerated().allSatisfy { $0.element["n"] == .int($0.offset + 1) }, "\(ended.remaining)")
        #expect(host.stderr.contains("stopped: cancelled"), "\(host.stderr)")
        #expect(eventually { pids.allSatisfy { !processIsRunning($0) } }, "still running: \(pids.filter(processIsRunning))")
    }

    @Test func plainTextLinesAreWrappedAndBlankLinesSkipped() throws {
        let mixed = try run("ticker", #"{"count": 2, "text": true}"#)
        #expect(lines(mixed.stdoutText) == [["n": 1, "kind": "odd"], ["text": "plain line 1"], ["n": 2, "kind": "even"], ["text": "plain line 2"]])
        // item_format: text wraps every line, JSON-looking or not.
        let texty = try run("texty", "{}")
        #expect(texty.status == 0, "\(texty.stderr)")
        #expect(lines(texty.stdoutText) == [["text": #"{"a": 1}"#], ["text": "hello there"]])
    }

    @Test func aProducerThatFailsEndsWithItsOwnStatusAndSaysWhy() throws {
        let result = try run("ticker", #"{"count": 2, "fail": true}"#)
        #expect(result.status == 3)
        // The items, then ToolHost's error answer, as every failed `run` ends.
        let printed = lines(result.stdoutText)
        #expect(printed.dropLast().map { $0["n"] } == [1, 2])
        #expect(printed.last?["error_code"] == "plugin_failed", "\(result.stdoutText)")
        #expect(result.stderr.contains("exited with status 3, after 2 items"), "\(result.stderr)")
        #expect(result.stderr.contains("the feed broke"), "its stderr is forwarded as it comes: \(result.stderr)")
        // Served, the answer carries the items so far and the producer's stderr (which HTTP keeps from remote callers).
        let served = try binary.run(["serve", "--jsonl"], stdin: Array(#"{"id": 1, "tool": "ticker", "input": {"count": 2, "fail": true, "max_items": 5}}"#.utf8) + [0x0A],
                                    environment: quiet, directory: folder.path)
        let answer = lines(served.stdoutText).first?["result"]
        #expect(answer?["error_code"] == "plugin_failed", "\(served.stdoutText)")
        #expect(answer?["count"] == 2)
        #expect(answer?["stderr"]?.stringValue?.contains("the feed broke") == true)
    }

    @Test func itemsArePublishedToTheProducersRedisStream() throws {
        let redis = try TestRedis()
        let environment = ["TOOLHOST_STREAMING_BACKEND": "redis", "TOOLHOST_REDIS_URL": redis.url, "TOOLHOST_RECORD_INVOCATIONS": "false"]
        let result = try run("ticker", #"{"count": 10, "max_items": 4, "text": true}"#, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try redis.entries("toolhost:stream:ticker")
        let published = entries.map { (try? JSONParser.parse($0.fields["item"] ?? "")) ?? .null }
        #expect(published == lines(result.stdoutText))
        #expect(published.count == 4)
        #expect(entries.allSatisfy { $0.fields["tool"] == "ticker" })
    }

    @Test func aRedisThatCannotBeReachedCostsAWarningNotTheItems() throws {
        let environment = ["TOOLHOST_STREAMING_BACKEND": "redis", "TOOLHOST_REDIS_URL": "unix://\(folder.url("nothing.sock"))",
                           "TOOLHOST_RECORD_INVOCATIONS": "false"]
        let result = try run("ticker", #"{"count": 2}"#, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines(result.stdoutText).count == 2)
        #expect(result.stderr.contains("its items are not published"), "\(result.stderr)")
    }

    // MARK: serve

    @Test func serveAnswersABoundedCallWithItsItemsAndRefusesAnUnboundedOne() throws {
        let requests = [#"{"id": 1, "tool": "ticker", "input": {"count": 50, "max_items": 2}}"#,
                        #"{"id": 2, "tool": "ticker", "input": {"count": 2}}"#,
                        #"{"id": 3, "tool": "ticker", "input": {"count": 100000, "delay": 0.05, "duration_seconds": 0.5}}"#]
        let served = try binary.run(["serve", "--jsonl"], stdin: Array(requests.map { $0 + "\n" }.joined().utf8), environment: quiet,
                                    directory: folder.path)
        #expect(served.status == 0, "\(served.stderr)")
        let byID = Dictionary(lines(served.stdoutText).map { ($0["id"]?.integerValue ?? 0, $0["result"] ?? .null) }) { first, _ in first }
        #expect(byID[1] == ["success": true, "items": [["n": 1, "kind": "odd"], ["n": 2, "kind": "even"]], "count": 2, "stopped": "max_items"])
        #expect(byID[2]?["error_code"] == "stream_unbounded", "\(served.stdoutText)")
        let message = byID[2]?["error"]?.stringValue ?? ""
        #expect(message.contains("max_items") && message.contains("duration_seconds"), "\(message)")
        #expect(byID[3]?["stopped"] == "duration", "\(served.stdoutText)")
        #expect(byID[3]?["count"] == .int(byID[3]?["items"]?.arrayValue?.count ?? -1))
    }

    @Test func serveHTTPAnswersAProducerAsJSONLinesDoes() async throws {
        let server = try await HTTPServer.start(binary: binary, in: folder.path, environment: quiet)
        let answer = try await server.send("POST", "/api/tools/ticker/invoke", #"{"count": 9, "max_items": 3}"#)
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["items"]?.arrayValue?.map { $0["n"] } == [1, 2, 3])
        #expect(answer.json["stopped"] == "max_items")
        let unbounded = try await server.send("POST", "/api/tools/ticker/invoke", #"{"count": 2}"#)
        #expect(unbounded.json["error_code"] == "stream_unbounded", "\(unbounded.text)")
        #expect(unbounded.status == 400, "the caller's request lacks a bound: \(unbounded.text)")
        try await server.expectCleanExit()
    }

    @Test func serveMCPSendsEachItemAsAProgressNotification() throws {
        let (status, json) = try MCPClient.run(["progress", "ticker", #"{"count": 20, "max_items": 3, "text": true}"#],
                                               server: [binary.path, "serve", "--mcp"], environment: quiet, directory: folder.path)
        #expect(status == 0, "\(json)")
        let notes = json["progress"]?.arrayValue ?? []
        #expect(notes.map { $0["progress"]?.numberValue } == [1, 2, 3], "\(json)")
        let items = notes.map { (try? JSONParser.parse($0["message"]?.stringValue ?? "")) ?? .null }
        #expect(items == [["n": 1, "kind": "odd"], ["text": "plain line 1"], ["n": 2, "kind": "even"]])
        #expect(json["structuredContent"]?["items"] == .array(items))
        #expect(json["structuredContent"]?["stopped"] == "max_items")
        #expect(json["isError"] == false)
    }

    @Test func serveMCPSendsEachOfAConsumersResultsAsAProgressNotification() throws {
        let (status, json) = try MCPClient.run(["progress", "odd_echo", #"{"label": "m", "max_items": 6}"#],
                                               server: [binary.path, "serve", "--mcp"], environment: quiet, directory: folder.path)
        #expect(status == 0, "\(json)")
        let notes = json["progress"]?.arrayValue ?? []
        let results = notes.map { (try? JSONParser.parse($0["message"]?.stringValue ?? "")) ?? .null }
        #expect(results.map { $0["output"]?["value"] } == [1, 3, 5], "\(json)")
        #expect(json["structuredContent"]?["results"] == .array(results))
    }

    // MARK: consumers

    @Test func aConsumerGivesEachItemThatPassesTheFilterToItsTool() throws {
        let result = try run("odd_echo", #"{"label": "item"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["read"] == 6)
        #expect(result.json["filtered_out"] == 3)
        #expect(result.json["succeeded"] == 3)
        #expect(result.json["failed"] == 0)
        #expect(result.json["stopped"] == "ended")
        let results = result.json["results"]?.arrayValue ?? []
        #expect(results.map { $0["index"] } == [0, 2, 4])
        #expect(results.map { $0["output"] } == [["value": 1, "label": "item 1"], ["value": 3, "label": "item 3"], ["value": 5, "label": "item 5"]])
    }

    /// A consumer that gives its items to itself is refused at the first nested call, as a
    /// workflow that calls itself is, instead of nesting without end.
    @Test func aConsumerThatCallsItselfIsACycle() throws {
        folder.write("tools/self_feeding.yaml", """
            name: Self feeding
            type: stream_consumer
            consumer:
              source: {tool: ticker, input: {count: 2}}
              tool: self_feeding
            """)
        let result = try run("self_feeding", "{}")
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json["failed"] == 2, "\(result.stdoutText)")
        let first = result.json["results"]?[0]
        #expect(first?["error_code"] == "workflow_cycle", "\(result.stdoutText)")
        #expect(first?["error"]?.stringValue?.contains("self_feeding → self_feeding") == true, "\(result.stdoutText)")
    }

    @Test func aConsumersMaxItemsBoundsItsSource() throws {
        let result = try run("odd_echo", #"{"label": "x", "max_items": 2}"#)
        #expect(result.json["read"] == 2, "\(result.stdoutText)")
        #expect(result.json["succeeded"] == 1)
        #expect(result.json["stopped"] == "max_items")
    }

    @Test func aFailingItemIsCountedAndTheRunGoesOn() throws {
        let result = try run("expr_picky", "{}")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["read"] == 5)
        #expect(result.json["filtered_out"] == 1)
        #expect(result.json["succeeded"] == 2)
        #expect(result.json["failed"] == 2)
        let results = result.json["results"]?.arrayValue ?? []
        #expect(results.map { $0["status"] } == ["failed", "ok", "failed", "ok"])
        #expect(results.first?["error"] == "no even numbers: 2", "\(result.stdoutText)")
        #expect(results.first?["error_code"] == "plugin_failed")
    }

    @Test func aConsumerReadsARedisStreamWhatAProducerPublished() throws {
        let redis = try TestRedis()
        let environment = ["TOOLHOST_STREAMING_BACKEND": "redis", "TOOLHOST_REDIS_URL": redis.url, "TOOLHOST_RECORD_INVOCATIONS": "false"]
        let produced = try run("ticker", #"{"count": 6}"#, environment: environment)
        #expect(produced.status == 0, "\(produced.stderr)")
        let result = try run("from_redis", "{}", environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["read"] == 4, "\(result.stdoutText)")
        #expect(result.json["filtered_out"] == 1)
        #expect(result.json["stopped"] == "max_items")
        #expect(result.json["results"]?.arrayValue?.map { $0["output"]?["value"] } == [2, 3, 4])
    }

    @Test func aConsumerFromNewRedisEntriesWaitsForThemAndIsServedBounded() throws {
        let redis = try TestRedis()
        folder.write("tools/new_only.yaml", """
            name: New only
            type: stream_consumer
            consumer:
              source: {redis_stream: "feed", from: "$"}
              tool: echo
            """)
        let environment = ["TOOLHOST_REDIS_URL": redis.url, "TOOLHOST_RECORD_INVOCATIONS": "false"]
        _ = try redis.connect().command(["XADD", "feed", "*", "item", #"{"old": true}"#])
        let host = try start("new_only", #"{"max_items": 2}"#, environment: environment)
        // Added until the consumer has read two: it may start after a few, never before the first.
        let publisher = try redis.connect()
        var sent = 0
        let done = eventually(within: 30) {
            sent += 1
            _ = try? publisher.command(["XADD", "feed", "*", "item", #"{"new": \#(sent)}"#])
            usleep(50_000)
            return !processIsRunning(host.pid)
        }
        #expect(done)
        let ended = try host.waitForExit(within: 30)
        #expect(ended.status == 0, "\(host.stderr)")
        let answer = (try? JSONParser.parse(ended.remaining.joined(separator: "\n"))) ?? .null
        #expect(answer["read"] == 2, "\(answer)")
        let outputs = answer["results"]?.arrayValue?.map { $0["output"] } ?? []
        #expect(outputs.allSatisfy { $0?["new"] != nil }, "the old entry was read: \(outputs)")
        // Served, a consumer needs a bound like a producer.
        let served = try binary.run(["serve", "--jsonl"], stdin: Array(#"{"id": 1, "tool": "new_only", "input": {}}"#.utf8 + [0x0A]),
                                    environment: environment, directory: folder.path)
        #expect(lines(served.stdoutText).first?["result"]?["error_code"] == "stream_unbounded", "\(served.stdoutText)")
    }

    @Test func aConsumersDurationEndsItWhetherItsSourceIsRedisOrAProducer() throws {
        let redis = try TestRedis()
        folder.write("tools/quiet_feed.yaml", """
            name: Quiet feed
            type: stream_consumer
            consumer: {source: {redis_stream: "quiet", from: "$"}, tool: echo}
            """)
        let environment = ["TOOLHOST_REDIS_URL": redis.url, "TOOLHOST_RECORD_INVOCATIONS": "false"]
        let quietFeed = try run("quiet_feed", #"{"duration_seconds": 0.5}"#, environment: environment)
        #expect(quietFeed.status == 0, "\(quietFeed.stderr)")
        #expect(quietFeed.json["stopped"] == "duration", "\(quietFeed.stdoutText)")
        #expect(quietFeed.json["read"] == 0)
        folder.write("tools/slow_odd.yaml", """
            name: Slow odd
            type: stream_consumer
            consumer:
              source: {tool: ticker, input: {count: 100000, delay: 0.05}}
              tool: echo
              filter: {kind: odd}
            """)
        let served = try binary.run(["serve", "--jsonl"], stdin: Array(#"{"id": 1, "tool": "slow_odd", "input": {"duration_seconds": 1}}"#.utf8) + [0x0A],
                                    environment: quiet, directory: folder.path)
        let answer = lines(served.stdoutText).first?["result"]
        #expect(answer?["stopped"] == "duration", "\(served.stdoutText) \(served.stderr)")
        let succeeded = answer?["succeeded"]?.integerValue
        #expect(succeeded == answer?["results"]?.arrayValue?.count, "\(served.stdoutText)")
    }

    @Test func runFollowsARedisStreamUntilASignalThenAnswers() throws {
        let redis = try TestRedis()
        folder.write("tools/mark.yaml", """
            name: Mark
            type: executable
            executable: {command: python3, args: ["-c", "import json,sys; d=json.load(sys.stdin); open(d['file'], 'w').write('seen'); print(json.dumps(d['item']))"]}
            """)
        folder.write("tools/follow_feed.yaml", """
            name: Follow feed
            type: stream_consumer
            consumer: {source: {redis_stream: "feed", from: "0"}, tool: mark, input: {file: "{{input.marker}}", item: "{{item}}"}}
            """)
        _ = try redis.connect().command(["XADD", "feed", "*", "item", #"{"first": true}"#])
        let marker = folder.url("marker")
        let host = try start("follow_feed", #"{"marker": "\#(marker)"}"#, environment: ["TOOLHOST_REDIS_URL": redis.url, "TOOLHOST_RECORD_INVOCATIONS": "false"])
        // The first entry was given to `mark`; the consumer now waits for more, without end.
        let marked = eventually(within: 30) { FileManager.default.fileExists(atPath: marker) }
        #expect(marked, "\(host.stderr)")
        host.signal(SIGINT)
        let ended = try host.waitForExit(within: 30)
        #expect(ended.status == 130, "\(host.stderr)")
        let answer = (try? JSONParser.parse(ended.remaining.joined(separator: "\n"))) ?? .null
        #expect(answer["stopped"] == "cancelled", "\(ended.remaining)")
        #expect(answer["read"] == 1)
        #expect(answer["results"]?[0]?["output"] == ["first": true], "\(answer)")
    }

    /// Every item's call is an ordinary call: recorded like any, on either engine.
    @Test(arguments: Engine.allCases)
    func eachItemsCallIsRecordedOnEitherEngine(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let result = try run("expr_picky", "{}", environment: database.environment)
        #expect(result.status == 0, "\(result.stderr)")
        func executions(of tool: String) throws -> [JSONValue] {
            let query = #"{"operation": "query", "data_type": "tool_executions", "filters": {"tool_name": "\#(tool)"}}"#
            let recorded = try run("training_data_store", query, environment: database.environment)
            return recorded.json["data"]?.arrayValue ?? []
        }
        let picky = try executions(of: "picky")
        #expect(picky.count == 4)
        #expect(picky.filter { $0["success"] == true }.count == 2)
        #expect(picky.filter { $0["success"] == false }.allSatisfy { ($0["error"]?.stringValue ?? "").contains("no even numbers") })
        let consumer = try executions(of: "expr_picky")
        #expect(consumer.count == 1)
        #expect(consumer.first?["output_result"]?["failed"] == 2)
        let producer = try executions(of: "ticker")
        #expect(producer.first?["output_result"]?["count"] == 5)
    }

    @Test func validateReportsABrokenStreamBlock() throws {
        folder.write("tools/broken_consumer.yaml", """
            name: Broken consumer
            type: stream_consumer
            consumer: {source: {tool: ticker}, filter: "n >", max_items: -1}
            """)
        folder.write("tools/no_command.yaml", "name: No command\ntype: stream_producer\nstream: {item_format: xml}\n")
        let result = try binary.run(["validate"], environment: quiet, directory: folder.path)
        #expect(result.status != 0)
        let text = result.stdoutText + result.stderr
        #expect(text.contains("consumer.tool"), "\(text)")
        #expect(text.contains("'consumer.filter' ends after '>'"), "\(text)")
        #expect(text.contains("'max_items' must be a positive whole number"), "\(text)")
        #expect(text.contains("'item_format' must be json or text"), "\(text)")
        #expect(text.contains("needs an 'executable' block"), "\(text)")
        let run = try run("broken_consumer", "{}")
        #expect(run.json["error_code"] == "invalid_stream", "\(run.stdoutText)")
    }
}
