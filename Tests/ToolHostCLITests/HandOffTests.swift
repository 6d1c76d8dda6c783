import Foundation
import Synchronization
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `toolhost run` hands a built-in tool's call to a running `toolhost serve` of the same
/// configuration (README "Hand-off"), and nothing a caller can see changes: the same bytes on
/// stdout and stderr, the same exit status, the same record. Two folders, one database each,
/// get the same calls; only the first has a server, and `TOOLHOST_HAND_OFF=require` there
/// proves each call was handed off (it fails when one is not).
@Suite("toolhost run: hand-off to a running toolhost serve", .serialized)
struct HandOffTests {
    /// A folder with a config file (so its data directory is `data/`), a plugin tool, and a database.
    final class Place: @unchecked Sendable {
        let fixture = CLIFixture()
        let database: TestDatabase
        var server: RunningProcess?

        init(_ engine: Engine) throws {
            database = try TestDatabase(engine)
        }

        var socketFolder: String { fixture.directory.url("data") }

        /// The hand-off sockets in the data directory.
        var sockets: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: socketFolder)) ?? []).filter { $0.hasSuffix(".sock") }.sorted()
        }

        /// Starts `toolhost serve --hand-off` here and waits for its socket.
        @discardableResult
        func startServer(extraEnvironment: [String: String] = [:]) throws -> RunningProcess {
            let before = Set(sockets)
            let server = try RunningProcess(fixture.binary.servePath, ["--hand-off"],
                                            environment: database.environment.merging(extraEnvironment) { $1 },
                                            directory: fixture.directory.path)
            self.server = server
            let listening = eventually(within: 30) { !Set(self.sockets).subtracting(before).isEmpty }
            try #require(listening, "the server made no socket")
            return server
        }

        func run(_ arguments: [String], input: String?, handOff: String, environment: [String: String] = [:]) throws -> ToolHostBinary.Result {
            try fixture.run(arguments, input: input,
                            environment: database.environment.merging(environment) { $1 }.merging(["TOOLHOST_HAND_OFF": handOff]) { $1 })
        }

        /// The recorded calls of `tool`, oldest first, without what differs between two runs
        /// of the same call (row ids, times, durations, generated ids).
        func records(of tool: String) throws -> [JSONValue] {
            let query = #"{"operation": "query", "data_type": "tool_executions", "filters": {"tool_name": "\#(tool)"}, "limit": 1000}"#
            let answer = try run(["run", "training_data_store"], input: query, handOff: "off")
            guard case .array(let rows)? = answer.json["data"] else { return [] }
            return try rows.reversed().map { row in
                guard case .object(var object) = row else { return row }
                for key in ["id", "execution_id", "created_at", "duration_ms"] { object[key] = nil }
                // Rows the call answered with carry their own times.
                return try JSONParser.parse(Array(HandOffTests.withoutTimes(String(decoding: JSONWriter.bytes(.object(object)), as: UTF8.self)).utf8))
            }
        }

        deinit { server?.signal(SIGKILL) }
    }

    /// Calls of every shape: a write, its answer read back, invalid input, input that is not
    /// JSON, an empty input, an unknown operation, --pretty, --envelope, --input FILE, one
    /// that refuses a missing file, --timeout.
    static let calls: [(arguments: [String], input: String?)] = [
        (["run", "bulk_data_store"], #"{"operation": "store_log", "tool_id": "t1", "log_level": "INFO", "message": "first", "details": {"n": 1}}"#),
        (["run", "bulk_data_store", "--pretty"], #"{"operation": "store_log", "tool_id": "t1", "log_level": "error", "message": "second", "details": null}"#),
        (["run", "bulk_data_store"], #"{"operation": "query_logs", "filters": {"tool_id": "t1"}}"#),
        (["run", "bulk_data_store"], #"{"operation": "store_log", "tool_id": "t1"}"#),
        (["run", "bulk_data_store"], #"{"operation": "store_log", "#),
        (["run", "bulk_data_store"], ""),
        (["run", "bulk_data_store", "--envelope"], #"{"operation": "no_such_operation"}"#),
        (["run", "bulk_data_store", "--input", "call.json"], nil),
        (["run", "bulk_data_store", "--input", "missing.json"], nil),
        (["run", "bulk_data_store", "--timeout", "30"], #"{"operation": "query_bugs"}"#),
        (["run", "postgres_client"], #"{"operation": "query", "sql": "SELECT count(*) AS n FROM tool_logs"}"#),
    ]

    @Test(arguments: Engine.allCases)
    func aHandedOffCallPrintsAndRecordsExactlyWhatItWouldInProcess(engine: Engine) throws {
        let served = try Place(engine), alone = try Place(engine)
        for place in [served, alone] {
            place.fixture.directory.write("call.json", #"{"operation": "store_log", "tool_id": "t2", "log_level": "debug", "message": "from a file"}"#)
        }
        try served.startServer()
        for call in Self.calls {
            let handedOff = try served.run(call.arguments, input: call.input, handOff: "require")
            let inProcess = try alone.run(call.arguments, input: call.input, handOff: "off")
            #expect(Self.withoutTimes(handedOff.stdoutText) == Self.withoutTimes(inProcess.stdoutText), "\(call)")
            #expect(handedOff.status == inProcess.status, "\(call): \(handedOff.stderr)")
            #expect(handedOff.stderr == inProcess.stderr, "\(call)")
            #expect(handedOff.json["error_code"] != "hand_off_unavailable", "\(call): \(handedOff.stdoutText)")
        }
        for tool in ["bulk_data_store", "postgres_client"] {
            let servedRecords = try served.records(of: tool), aloneRecords = try alone.records(of: tool)
            #expect(servedRecords.count == Self.calls.filter { $0.arguments[1] == tool }.count)
            #expect(servedRecords == aloneRecords)
        }
        // The server logged each call it ran (its access log): they did not run in the callers.
        let server = try #require(served.server)
        server.signal(SIGTERM)
        _ = try server.waitForExit(within: 20)
        let logged = server.stderr.split(separator: "\n").filter { $0.contains("msg=call") && $0.contains("front_end=hand-off") }.count
        #expect(logged == Self.calls.count, "\(server.stderr)")
    }

    /// The text with its timestamps (rows' `created_at`) blanked: two databases written a moment
    /// apart differ there and nowhere else.
    static func withoutTimes(_ text: String) -> String {
        text.replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/, with: "<time>")
    }

    @Test func theCallersAgentAndTraceGoWithEachCall() throws {
        let served = try Place(.sqlite)
        try served.startServer(extraEnvironment: ["TOOLHOST_AGENT_ID": "the-server"])
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let answer = try served.run(["run", "bulk_data_store"], input: #"{"operation": "store_log", "tool_id": "a", "log_level": "info", "message": "m"}"#,
                                    handOff: "require",
                                    environment: ["TOOLHOST_AGENT_ID": "agent-7", "TRACEPARENT": "00-\(traceID)-00f067aa0ba902b7-01"])
        #expect(answer.status == 0, "\(answer.stdoutText) \(answer.stderr)")
        let records = try served.records(of: "bulk_data_store")
        #expect(records.first?["agent_id"] == "agent-7")
        #expect(records.first?["metadata"]?["trace_id"] == .string(traceID))
    }

    @Test func aCallerOfAnotherConfigurationRunsItsCallItself() throws {
        let served = try Place(.sqlite)
        try served.startServer()
        let input = #"{"operation": "store_log", "tool_id": "a", "log_level": "info", "message": "m"}"#
        // Another environment is another identity: no socket of its own, so no hand-off.
        let refused = try served.run(["run", "bulk_data_store"], input: input, handOff: "require", environment: ["SOME_SETTING": "x"])
        #expect(refused.status == 1)
        #expect(refused.json["error_code"] == "hand_off_unavailable", "\(refused.stdoutText)")
        let ranHere = try served.run(["run", "bulk_data_store"], input: input, handOff: "auto", environment: ["SOME_SETTING": "x"])
        #expect(ranHere.status == 0, "\(ranHere.stdoutText) \(ranHere.stderr)")
        #expect(ranHere.json["success"] == true)
        // Plugins inherit the caller's environment and folder: never handed off.
        let plugin = try served.run(["run", "echo"], input: #"{"message": "hi"}"#, handOff: "require")
        #expect(plugin.json["error_code"] == "hand_off_unavailable")
        #expect(plugin.stdoutText.contains("only built-in tools"), "\(plugin.stdoutText)")
        let pluginHere = try served.run(["run", "echo"], input: #"{"message": "hi"}"#, handOff: "auto")
        #expect(pluginHere.json["message"] == "hi", "\(pluginHere.stdoutText)")
        // The config file's contents are part of the identity too.
        served.fixture.directory.write("toolhost.yaml", (served.fixture.directory.read("toolhost.yaml") ?? "") + "\n# edited\n")
        let edited = try served.run(["run", "bulk_data_store"], input: input, handOff: "require")
        #expect(edited.json["error_code"] == "hand_off_unavailable", "\(edited.stdoutText)")
        let server = try #require(served.server)
        server.signal(SIGTERM)
        _ = try server.waitForExit(within: 20)
        let logged = server.stderr.split(separator: "\n").filter { $0.contains("msg=call") }.count
        #expect(logged == 0, "\(server.stderr)")
    }

    /// Ctrl-C on a `toolhost run` whose call a server runs: the server cancels the call as
    /// the caller's own process would have been stopped (its statements stopped, what it had
    /// not committed undone), records it as cancelled, and goes on taking calls.
    @Test(arguments: Engine.allCases)
    func aCallerStoppedWithCtrlCCancelsItsCallOnTheServer(engine: Engine) throws {
        let place = try Place(engine)
        try place.startServer()
        // Long enough (parsing and storing 300,000 logs, a debug build) to be under way on the
        // server a second after it was handed over.
        let logs = (0..<300_000).map { #"{"tool_id": "t\#($0 % 9)", "log_level": "info", "message": "line \#($0) of a long batch"}"# }
        place.fixture.directory.write("big.json", #"{"operation": "store_logs", "logs": ["# + logs.joined(separator: ",") + "]}")
        let caller = try RunningProcess(place.fixture.binary.path, ["run", "bulk_data_store", "--input", "big.json"],
                                        environment: place.database.environment.merging(["TOOLHOST_HAND_OFF": "require"]) { $1 },
                                        directory: place.fixture.directory.path)
        Thread.sleep(forTimeInterval: 1)
        caller.signal(SIGINT)
        // The server's cancelled answer, relayed; the exit status of a stopped call.
        let stopped = try caller.waitForExit(within: 60)
        #expect(stopped.status == 128 + SIGINT, "exit \(stopped.status): \(caller.stderr)")
        let answer = try? JSONParser.parse(Array(stopped.remaining.joined(separator: "\n").utf8))
        #expect(answer?["error_code"] == "cancelled", "\(stopped.remaining)")
        // Recorded by the server once the call has ended, cancelled, with nothing stored.
        let recorded = eventually(within: 60) { (try? place.records(of: "bulk_data_store").last?["error_code"]) == "cancelled" }
        #expect(recorded)
        let stored = try place.database.connect().run("SELECT count(*) AS n FROM tool_logs").rows.first?["n"]
        #expect(stored == 0)
        let input = #"{"operation": "store_log", "tool_id": "a", "log_level": "info", "message": "after"}"#
        let after = try place.run(["run", "bulk_data_store"], input: input, handOff: "require")
        #expect(after.status == 0, "\(after.stdoutText) \(after.stderr)")
    }

    /// A `serve --jsonl` takes hand-offs too, and ends when its input does: a call handed to
    /// it as it ends is either run to the end there or declined (and run by its caller), never
    /// taken and then cut off by the server's exit (`hand_off_lost`). Callers keep calling
    /// while the server's input is closed under them, for several rounds.
    @Test func aServerEndingWhileCallsArriveRunsOrDeclinesEachCall() throws {
        let place = try Place(.sqlite)
        let failures = LockedStrings()
        let succeeded = Atomic<Int>(0)
        for round in 0..<8 {
            let before = Set(place.sockets)
            let server = try RunningProcess(place.fixture.binary.servePath, ["--jsonl"], environment: place.database.environment,
                                            directory: place.fixture.directory.path)
            let listening = eventually(within: 30) { !Set(place.sockets).subtracting(before).isEmpty }
            try #require(listening, "the server made no socket")
            let ended = Atomic<Bool>(false)
            let group = DispatchGroup()
            for caller in 0..<4 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    // Calls until the server has gone, and two more after (run in-process).
                    var call = 0, afterEnd = 0
                    while afterEnd < 2 {
                        if ended.load(ordering: .acquiring) { afterEnd += 1 }
                        // Big enough that the server is often still reading one when it ends.
                        let logs = (0..<2_000).map { #"{"tool_id": "ending", "log_level": "info", "message": "\#(round)-\#(caller)-\#(call)-\#($0)"}"# }
                        let input = #"{"operation": "store_logs", "logs": ["# + logs.joined(separator: ",") + "]}"
                        call += 1
                        let result = try? place.run(["run", "bulk_data_store"], input: input, handOff: "auto")
                        if result?.status == 0 {
                            succeeded.add(logs.count, ordering: .relaxed)
                        } else {
                            failures.append("\(round)-\(caller)-\(call): \(result?.stdoutText.prefix(300) ?? "no result")")
                        }
                    }
                }.start()
            }
            Thread.sleep(forTimeInterval: 0.5 + 0.1 * Double(round))
            server.closeInput()
            _ = try server.waitForExit(within: 60)
            ended.store(true, ordering: .releasing)
            group.wait()
        }
        #expect(failures.values.isEmpty, "\(failures.values.prefix(5))")
        let stored = try place.database.connect().run("SELECT count(*) AS n, count(DISTINCT message) AS d FROM tool_logs WHERE tool_id = 'ending'").rows.first
        let total = succeeded.load(ordering: .relaxed)
        #expect(stored?["n"] == .int(total) && stored?["d"] == .int(total), "\(String(describing: stored)) for \(total) rows stored")
    }

    @Test func oneServerPerIdentityAStaleSocketIsReplacedAndSIGTERMRemovesIt() throws {
        let place = try Place(.sqlite)
        let first = try place.startServer()
        let socket = try #require(place.sockets.first)
        // A second server of the same configuration leaves the socket to the first.
        let second = try RunningProcess(place.fixture.binary.servePath, ["--hand-off"], environment: place.database.environment,
                                        directory: place.fixture.directory.path)
        Thread.sleep(forTimeInterval: 1)  // its start (its warning is read once it has ended)
        second.signal(SIGTERM)
        _ = try second.waitForExit(within: 20)
        #expect(second.stderr.contains("already takes them"), "\(second.stderr)")
        #expect(place.sockets == [socket])
        let input = #"{"operation": "store_log", "tool_id": "a", "log_level": "info", "message": "m"}"#
        #expect(try place.run(["run", "bulk_data_store"], input: input, handOff: "require").status == 0)

        // Killed outright, the first leaves its socket file: a caller runs its call itself, and
        // the next server takes the file over.
        first.signal(SIGKILL)
        _ = try first.waitForExit(within: 20)
        #expect(place.sockets == [socket])
        let alone = try place.run(["run", "bulk_data_store"], input: input, handOff: "auto")
        #expect(alone.status == 0, "\(alone.stdoutText) \(alone.stderr)")
        let stale = try place.run(["run", "bulk_data_store"], input: input, handOff: "require")
        #expect(stale.json["error_code"] == "hand_off_unavailable")
        let third = try RunningProcess(place.fixture.binary.servePath, ["--hand-off"], environment: place.database.environment,
                                       directory: place.fixture.directory.path)
        place.server = third
        let takesCalls = eventually(within: 30) { (try? place.run(["run", "bulk_data_store"], input: input, handOff: "require").status) == 0 }
        #expect(takesCalls)
        third.signal(SIGTERM)
        let ended = try third.waitForExit(within: 20)
        #expect(ended.status == 0)
        #expect(place.sockets.isEmpty)
        #expect(try place.records(of: "bulk_data_store").count == 3)  // the one refused was not run
    }

    @Test func theSocketIsTheOwnersAlone() throws {
        let place = try Place(.sqlite)
        try place.startServer()
        let path = FilePath.join(place.socketFolder, try #require(place.sockets.first))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue
        #expect(permissions == 0o600)
    }
}
