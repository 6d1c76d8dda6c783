import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import ToolHostCore
@testable import ToolHostServe

/// The HTTP routes in-process, through Hummingbird's testing client: the status each outcome
/// maps to, the exit code header, the bearer token and the body limit. (The server itself,
/// its connection limits and SIGTERM are ServeHTTPTests' and ServeHTTPConnectionTests'.)
@Suite("HTTP routes in-process")
struct HTTPRoutesTests {
    @Test func invokeAnswersWhatRunPrintsWithItsExitCode() async throws {
        let served = try ServedHost()
        let answer = try await served.request(.post, "/api/tools/echo/invoke", body: #"{"message": "hi"}"#)
        let exitCode = answer.headers[JSONResponses.exitCodeField]
        #expect(answer.status == .ok)
        #expect(exitCode == "0")
        #expect(answer.json == ["message": "hi"])
    }

    @Test func invalidInputIs400AndAFailedPluginIs502() async throws {
        let served = try ServedHost()
        let invalid = try await served.request(.post, "/api/tools/echo/invoke", body: "{}")
        #expect(invalid.status == .badRequest)
        #expect(invalid.json["error_code"] == "invalid_input")

        let failed = try await served.request(.post, "/api/tools/fail/invoke")
        let exitCode = failed.headers[JSONResponses.exitCodeField]
        #expect(failed.status == .badGateway)
        #expect(exitCode == "3")
        #expect(failed.json["error"] == "boom")
    }

    @Test func anUnknownToolAndAnUnknownRouteAreJSON404s() async throws {
        let served = try ServedHost()
        let tool = try await served.request(.get, "/api/tools/no_such_tool")
        #expect(tool.status == .notFound)
        #expect(tool.json["error_code"] == "unknown_tool")

        let route = try await served.request(.get, "/api/nowhere")
        #expect(route.status == .notFound)
        #expect(route.json["error_code"] == "not_found")
    }

    @Test func withATokenEveryRouteButHealthzRefusesARequestWithoutIt() async throws {
        let served = try ServedHost { $0.service.authToken = "s3cret" }
        let missing = try await served.request(.get, "/api/tools")
        let challenge = missing.headers[.wwwAuthenticate]
        #expect(missing.status == .unauthorized)
        #expect(challenge == "Bearer")
        #expect(missing.json["error_code"] == "unauthorized")

        let wrong = try await served.request(.get, "/api/tools", headers: [.authorization: "Bearer s3cres"])
        #expect(wrong.status == .unauthorized)
        let right = try await served.request(.get, "/api/tools", headers: [.authorization: "Bearer s3cret"])
        #expect(right.status == .ok)
        let health = try await served.request(.get, "/healthz")
        #expect(health.status == .ok)
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let served = try ServedHost { $0.service.maxRequestBytes = 1024 }
        let message = String(repeating: "x", count: 2000)
        let answer = try await served.request(.post, "/api/tools/echo/invoke", body: #"{"message": "\#(message)"}"#)
        #expect(answer.status == .contentTooLarge)
        #expect(answer.json["error_code"] == "request_too_large")
    }
}
