import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Pinned tool definitions through the real binaries: a catalogue file edited behind an agent's
/// back is refused in `serve` and warned about in `run` until `toolhost approve`.
@Suite("Pinned tool definitions")
struct PinnedToolsTests {
    let fixture = CLIFixture()

    private var approvalsFile: String { fixture.directory.url("data/approved-tools.json") }

    /// One `serve --jsonl` session; the answers in request order (ids are 1, 2, ...).
    private func serve(_ calls: [(tool: String, input: String)], environment: [String: String] = [:]) throws -> [JSONValue] {
        let lines = calls.enumerated().map { #"{"id": \#($0.offset + 1), "tool": "\#($0.element.tool)", "input": \#($0.element.input)}"# + "\n" }
        let result = try fixture.run(["serve", "--jsonl"], input: lines.joined(), environment: environment)
        let answers = result.stdoutText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        return answers.sorted { ($0["id"]?.integerValue ?? 0) < ($1["id"]?.integerValue ?? 0) }
    }

    private func editEcho() {
        let yaml = fixture.directory.read("tools/echo/echo.yaml") ?? ""
        fixture.directory.write("tools/echo/echo.yaml", yaml.replacingOccurrences(of: "Prints its input back", with: "Prints its input back, and the API key"))
    }

    @Test func aToolEditedAfterApprovalIsRefusedInServeAndWarnedInRunUntilApproved() throws {
        let first = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)
        #expect(first.status == 0)
        #expect(!first.stderr.contains("approve"))
        editEcho()

        let refused = try serve([("echo", #"{"message": "hi"}"#)])
        let code = refused.first?["result"]?["error_code"]
        #expect(code == "tool_changed", "\(refused)")
        let message = refused.first?["result"]?["error"]?.stringValue ?? ""
        #expect(message.contains("toolhost approve echo") && message.contains("echo.yaml"), "\(message)")

        let warned = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("changed since it was approved") && warned.stderr.contains("toolhost approve echo"), "\(warned.stderr)")

        let listed = try fixture.run(["approve", "--list", "--json"])
        let states = Dictionary(uniqueKeysWithValues: (listed.json["data"]?.arrayValue ?? []).map {
            ($0["id"]?.stringValue ?? "", $0["approval"]?.stringValue ?? "")
        })
        #expect(states["echo"] == "changed")
        #expect(states["tools_manager"] == "builtin")

        let approved = try fixture.run(["approve", "echo"])
        #expect(approved.status == 0, "\(approved.stderr)")
        let served = try serve([("echo", #"{"message": "hi"}"#)])
        let result = served.first?["result"]
        #expect(result?["message"] == "hi", "\(served)")
        let rerun = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)
        #expect(!rerun.stderr.contains("approve"), "\(rerun.stderr)")
    }

    @Test func overHTTPAChangedToolIsAConflict() async throws {
        _ = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)
        editEcho()
        let server = try await HTTPServer.start(fixture)
        let answer = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "hi"}"#)
        try await server.stop()
        let status = answer.status
        #expect(status == 409)
        let code = answer.json["error_code"]
        #expect(code == "tool_changed")
    }

    @Test func aToolNeverSeenBeforeRunsInServeAndIsApprovedOnFirstUse() throws {
        let served = try serve([("echo", #"{"message": "first"}"#)])
        let result = served.first?["result"]
        #expect(result?["message"] == "first", "\(served)")
        let approvals = try JSONParser.parse(try FileIO.read(approvalsFile))
        let how = approvals["tools"]?["echo"]?["how"]
        #expect(how == "first_use")
    }

    @Test func aToolRegisteredThroughToolsManagerRunsInServeEvenWhenItReplacesAnApprovedOne() throws {
        func register(_ output: String) -> String {
            let yaml = #"""
                name: Generated
                type: executable
                executable:
                  command: sh
                  args: ["-c", "cat > /dev/null; printf '%s' \"$V\""]
                  environment: {V: '{"v": \#(output)}'}
                """#
            return JSONWriter.string(["operation": "register_tool", "id": "generated_probe", "yaml": .string(yaml)])
        }
        // One worker: the calls run in order.
        let answers = try serve([("tools_manager", register("1")), ("generated_probe", "{}"), ("tools_manager", register("2")),
                                 ("generated_probe", "{}")], environment: ["TOOLHOST_MAX_CONCURRENT_CALLS": "1"])
        #expect(answers.count == 4, "\(answers)")
        let registered = answers.first?["result"]?["success"]
        #expect(registered == true, "\(answers)")
        let versions = answers.filter { $0["id"]?.integerValue == 2 || $0["id"]?.integerValue == 4 }.map { $0["result"]?["v"] }
        #expect(versions == [.integer(1), .integer(2)], "\(answers)")
        let approvals = try JSONParser.parse(try FileIO.read(approvalsFile))
        let how = approvals["tools"]?["generated_probe"]?["how"]
        #expect(how == "registered")
    }

    @Test func builtInToolsNeverNeedApproval() throws {
        let answers = try serve([("tools_manager", #"{"operation": "list"}"#)])
        let success = answers.first?["result"]?["success"]
        #expect(success == true)
        let approved = try fixture.run(["approve", "tools_manager"])
        #expect(approved.stdoutText.contains("built-in, always approved"))
        let text = (try? FileIO.read(approvalsFile)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(!text.contains("tools_manager"))
    }

    @Test func theModesAreConfigurable() throws {
        _ = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)
        editEcho()
        let off = try serve([("echo", #"{"message": "hi"}"#)], environment: ["TOOLHOST_PINNING_SERVE": "off"])
        let result = off.first?["result"]
        #expect(result?["message"] == "hi", "\(off)")
        let refused = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#, environment: ["TOOLHOST_PINNING_RUN": "refuse"])
        #expect(refused.status == 1)
        let code = refused.json["error_code"]
        #expect(code == "tool_changed")
    }

    @Test func approveAllApprovesTheWholeCatalogue() throws {
        _ = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)
        editEcho()
        let all = try fixture.run(["approve", "--all"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdoutText.contains("approved echo (changed)"), "\(all.stdoutText)")
        let served = try serve([("echo", #"{"message": "hi"}"#)])
        let result = served.first?["result"]
        #expect(result?["message"] == "hi", "\(served)")
    }
}
