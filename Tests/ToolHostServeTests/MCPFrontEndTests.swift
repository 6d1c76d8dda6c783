import MCP
import Testing
import ToolHostCore
@testable import ToolHostServe

/// `tools/list` and `tools/call` in-process: ToolHost's MCP server and the SDK's own client,
/// joined by the SDK's in-memory transport. (Stdio, cancellation and the official Python
/// client are ServeMCPTests'.)
@Suite("MCP front end in-process")
struct MCPFrontEndTests {
    /// Several page sizes, so that both a full and a short last page occur (9 tools today).
    @Test(arguments: [2, 3, 4])
    func toolsListPagesThroughTheWholeCatalogueInOrder(pageSize: Int) async throws {
        let served = try ServedHost()
        let (names, pages) = try await served.withMCPClient(pageSize: pageSize) { client in
            var names: [String] = []
            var pages = 0
            var cursor: String?
            repeat {
                let page = try await client.listTools(cursor: cursor)
                names += page.tools.map(\.name)
                pages += 1
                cursor = page.nextCursor
            } while cursor != nil && pages <= 100
            return (names, pages)
        }
        let expected = served.toolIDs
        #expect(expected.count > pageSize)
        #expect(names == expected)
        #expect(pages == (expected.count + pageSize - 1) / pageSize)
    }

    @Test func aListedToolCarriesItsNormalisedSchema() async throws {
        let served = try ServedHost()
        let echo = try await served.withMCPClient { client in
            try await client.listTools().tools.first { $0.name == "echo" }
        }
        #expect(echo?.description == "Prints its input back")
        #expect(echo?.inputSchema.objectValue?["required"] == .array(["message"]))
    }

    @Test func aCursorNotHandedOutIsInvalidParams() async throws {
        let served = try ServedHost()
        let error = await #expect(throws: MCPError.self) {
            try await served.withMCPClient { client in try await client.listTools(cursor: "later") }
        }
        #expect(error?.code == -32602)
    }

    @Test func aSuccessfulCallAnswersWhatRunPrints() async throws {
        let served = try ServedHost()
        let result = try await served.withMCPClient { client in
            try await client.callTool(name: "echo", arguments: ["message": "hi"])
        }
        #expect(result.isError == false)
        #expect(result.content.texts.map { try? JSONParser.parse(Array($0.utf8)) } == [["message": "hi"]])
    }

    @Test func aFailedCallIsAnErrorResultThatOpensWithTheSentence() async throws {
        let served = try ServedHost()
        let (failed, invalid) = try await served.withMCPClient { client in
            (try await client.callTool(name: "fail"), try await client.callTool(name: "echo", arguments: [:]))
        }
        #expect(failed.isError == true)
        #expect(failed.content.texts.first == "boom")
        #expect(invalid.isError == true)
        let sentence = invalid.content.texts.first ?? ""
        #expect(sentence.contains("message"))
    }

    @Test func anUnknownToolIsAProtocolErrorNotAResult() async throws {
        let served = try ServedHost()
        let error = await #expect(throws: MCPError.self) {
            try await served.withMCPClient { client in try await client.callTool(name: "no_such_tool") }
        }
        #expect(error?.code == -32602)
        let message = error?.errorDescription ?? ""
        #expect(message.contains("no_such_tool"))
    }
}
