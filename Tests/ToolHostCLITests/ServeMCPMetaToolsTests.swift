import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Progressive disclosure over MCP (`service.mcp.listing`), with the official Python client:
/// `tools/list` answers find_tools / describe_tool / call_tool, and call_tool runs a tool
/// through the same path as a direct `tools/call` (validation, policy, recording).
@Suite("MCP meta-tools for big catalogues")
struct ServeMCPMetaToolsTests {
    let folder = EmptyFolder()

    init() throws {
        for (id, description) in [
            ("csv_to_json", "Convert CSV data to a JSON array of objects, using the header row for keys."),
            ("json_to_csv", "Flatten a JSON array of objects into CSV with one column per key."),
            ("pdf_merge", "Combine several PDF files into one, in the given order."),
            ("send_email", "Send an email through SMTP with subject, body, recipients and attachments."),
        ] {
            try write("tools/\(id).yaml", "name: \(id)\ntype: executable\ndescription: \"\(description)\"\nexecutable: {command: cat}\n")
        }
        try write("tools/echo.yaml", """
            name: Echo
            type: executable
            description: Prints its input back
            executable: {command: cat}
            input_schema:
              message: {type: string, required: true}
            """)
        // Runs (prints its input back) but the policy denies it.
        try write("tools/wipe_disk.yaml", "name: Wipe disk\ntype: executable\ndescription: Erase every file of a disk.\nexecutable: {command: cat}\n")
        try config(listing: "search")
    }

    private func write(_ path: String, _ text: String) throws {
        let file = FilePath.join(folder.work, path)
        try FileManager.default.createDirectory(atPath: FilePath.directory(of: file), withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    private func config(listing: String, threshold: Int = 100) throws {
        try write("toolhost.yaml", """
            toolhost: 1
            tools: {paths: [tools]}
            service: {mcp: {listing: \(listing), listing_threshold: \(threshold)}}
            policy:
              default: allow
              tools:
                wipe_disk: deny
            """)
    }

    private func scenario(_ arguments: [String]) throws -> JSONValue {
        let answered = try MCPClient.run(arguments, server: [folder.binary.path, "serve", "--mcp"], environment: folder.environment(),
                                         directory: folder.work)
        #expect(answered.status == 0, "\(answered.json)")
        return answered.json
    }

    private func listedNames() throws -> [String] {
        try scenario(["list"])["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    @Test func searchListingShowsOnlyTheMetaToolsWithTheirSchemas() throws {
        let listed = try scenario(["list"])["tools"]?.arrayValue ?? []
        let names = listed.compactMap { $0["name"]?.stringValue }
        #expect(names == ["find_tools", "describe_tool", "call_tool"])
        let find = listed.first { $0["name"] == "find_tools" }
        #expect(find?["inputSchema"]?["required"] == ["query"])
        #expect(find?["inputSchema"]?["properties"]?["limit"]?["type"] == "integer")
        let call = listed.first { $0["name"] == "call_tool" }
        #expect(call?["inputSchema"]?["properties"]?["arguments"]?["type"] == "object")
    }

    @Test func autoListsEverythingUpToTheThresholdAndTheMetaToolsAboveIt() throws {
        try config(listing: "auto", threshold: 1000)
        let few = try listedNames()
        #expect(few.contains("csv_to_json") && few.contains("echo") && !few.contains("find_tools"), "\(few)")
        try config(listing: "auto", threshold: 3)
        let many = try listedNames()
        #expect(many == ["find_tools", "describe_tool", "call_tool"])
        try config(listing: "all")
        let all = try listedNames()
        #expect(all == few)
    }

    @Test func aWrongListingIsAConfigErrorNamingTheChoices() throws {
        try config(listing: "some")
        let listed = try folder.run(["list"])
        #expect(listed.status != 0)
        #expect(listed.stderr.contains("service.mcp.listing must be one of all, search, auto, not 'some'"), "\(listed.stderr)")
    }

    @Test func findToolsAnswersTheBestMatchesFirst() throws {
        let found = try scenario(["call", "find_tools", #"{"query": "convert a CSV file to JSON", "limit": 3}"#])
        #expect(found["isError"] == false, "\(found)")
        let ids = found["structuredContent"]?["tools"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.first == "csv_to_json", "\(ids)")
        #expect(ids.count == 3)
        let tooMany = try scenario(["call", "find_tools", #"{"query": "x", "limit": 500}"#])
        #expect(tooMany["isError"] == true && (tooMany["text"]?.stringValue ?? "").contains("from 1 to 50"), "\(tooMany)")
        let empty = try scenario(["call", "find_tools", #"{"query": "  "}"#])
        #expect(empty["isError"] == true && (empty["text"]?.stringValue ?? "").contains("find_tools needs 'query'"), "\(empty)")
    }

    @Test func describeToolGivesTheToolsListEntry() throws {
        let described = try scenario(["call", "describe_tool", #"{"id": "echo"}"#])
        #expect(described["isError"] == false, "\(described)")
        #expect(described["structuredContent"]?["name"] == "echo")
        #expect(described["structuredContent"]?["inputSchema"]?["properties"]?["message"]?["type"] == "string")
    }

    @Test func anUnknownIdIsAnErrorNamingTheNearestIds() throws {
        let typo = try scenario(["call", "describe_tool", #"{"id": "pdf_merg"}"#])
        let sentence = typo["text"]?.stringValue ?? ""
        #expect(typo["isError"] == true && MCPClient.errorAnswer(of: typo)?["error_code"] == "unknown_tool", "\(typo)")
        #expect(sentence.hasPrefix("No tool has the id 'pdf_merg'. The nearest are 'pdf_merge'"), "\(sentence)")
        // No id is close in spelling: the nearest by what the words say.
        let guessed = try scenario(["call", "call_tool", #"{"id": "mail_sender", "arguments": {}}"#])
        let guess = guessed["text"]?.stringValue ?? ""
        #expect(guessed["isError"] == true && guess.contains("'send_email'") && guess.contains("find_tools"), "\(guess)")
    }

    @Test func callToolAnswersExactlyAsADirectCall() throws {
        let meta = try scenario(["call", "call_tool", #"{"id": "echo", "arguments": {"message": "hi"}}"#])
        let direct = try scenario(["call", "echo", #"{"message": "hi"}"#])
        #expect(meta["isError"] == false, "\(meta)")
        #expect(meta["structuredContent"] == direct["structuredContent"])
        #expect(meta["text"] == direct["text"])
    }

    @Test func callToolGoesThroughValidationAndPolicy() throws {
        let invalid = try scenario(["call", "call_tool", #"{"id": "echo", "arguments": {"message": 5}}"#])
        let directInvalid = try scenario(["call", "echo", #"{"message": 5}"#])
        #expect(invalid["isError"] == true && MCPClient.errorAnswer(of: invalid)?["error_code"] == "invalid_input", "\(invalid)")
        #expect(invalid["text"] == directInvalid["text"])
        let denied = try scenario(["call", "call_tool", #"{"id": "wipe_disk", "arguments": {}}"#])
        #expect(denied["isError"] == true && MCPClient.errorAnswer(of: denied)?["error_code"] == "denied_by_policy", "\(denied)")
        let notAnObject = try scenario(["call", "call_tool", #"{"id": "echo", "arguments": "hi"}"#])
        #expect(notAnObject["isError"] == true && (notAnObject["text"]?.stringValue ?? "").contains("must be an object"), "\(notAnObject)")
    }

    /// call_tool's calls are recorded as calls of the tool itself, so they count as its usage.
    @Test func callToolIsRecordedAsACallOfTheTool() throws {
        _ = try scenario(["call", "call_tool", #"{"id": "pdf_merge", "arguments": {}}"#])
        let found = try folder.run(["search", "merge pdf files", "--json", "--limit", "1"])
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.json["data"]?[0]?["tool"] == "pdf_merge")
        #expect(found.json["data"]?[0]?["calls"] == 1, "\(found.json)")
    }
}
