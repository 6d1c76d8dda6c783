import MCP
@testable import ToolHostServe

extension ServedHost {
    /// Runs `body` with the SDK's client connected to `MCPFrontEnd` over an in-memory pair of
    /// transports; both ends are closed afterwards, whatever `body` threw.
    func withMCPClient<T: Sendable>(pageSize: Int = 100, _ body: (Client) async throws -> T) async throws -> T {
        let (clientEnd, serverEnd) = await InMemoryTransport.createConnectedPair()
        let server = try await MCPFrontEnd(host: host, pageSize: pageSize).start(on: serverEnd)
        let client = Client(name: "toolhost-tests", version: "1")
        do {
            try await client.connect(transport: clientEnd)
            let value = try await body(client)
            await client.disconnect()
            await server.stop()
            return value
        } catch {
            await client.disconnect()
            await server.stop()
            throw error
        }
    }
}

extension [Tool.Content] {
    /// The text items, in order.
    var texts: [String] {
        compactMap { content in
            guard case .text(let text, _, _) = content else { return nil }
            return text
        }
    }
}
