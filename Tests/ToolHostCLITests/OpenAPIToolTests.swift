import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `type: openapi` tools (issue 17) through the real binary, against real HTTP servers started
/// by each test: PyPI's httpbin under waitress (described by an OpenAPI 3.0 fixture, since
/// httpbin ships only Swagger 2.0), ToolHost's own `serve --http` (an OpenAPI 3.1 fixture of
/// its routes), a spec server with ETags, and a server that never answers.
@Suite("OpenAPI tools")
struct OpenAPIToolTests {
    let folder = TemporaryDirectory()
    let binary = ToolHostBinary()

    /// The catalogue: `httpbin` (the 3.0 spec from a file; its YAML's base URL is a name that
    /// never resolves, so every call shows the config's `openapi.base_urls` override at work),
    /// `httpbin_auth` (same, with a bearer token from HTTPBIN_TOKEN) and `generic` (no spec).
    private func catalogue(httpbin: String, config extra: String = "") {
        folder.write("tools/httpbin/httpbin-openapi.yaml", OpenAPIFixtures.httpbin)
        folder.write("tools/httpbin/httpbin.yaml", """
            name: httpbin
            type: openapi
            description: httpbin through its OpenAPI description
            openapi:
              spec_file: httpbin-openapi.yaml
              base_url: http://httpbin.invalid
              timeout: 30
            """)
        folder.write("tools/httpbin/httpbin_auth.yaml", """
            name: httpbin with a token
            type: openapi
            openapi:
              spec_file: httpbin-openapi.yaml
              base_url: http://httpbin.invalid
              auth: {type: bearer, env: HTTPBIN_TOKEN}
            """)
        folder.write("tools/generic.yaml", """
            name: generic
            type: openapi
            description: A generic HTTP tool without a spec
            openapi: {base_url: "\(httpbin)"}
            """)
        folder.write("toolhost.yaml", """
            tools:
              paths: [tools]
            openapi:
              base_urls: {httpbin: "\(httpbin)", httpbin_auth: "\(httpbin)"}
            \(extra)
            """)
    }

    private func run(_ tool: String, _ input: String, environment: [String: String] = [:]) throws -> ToolHostBinary.Result {
        try binary.run(["run", tool, "--config", folder.url("toolhost.yaml")], stdin: Array(input.utf8),
                       environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"].merging(environment) { $1 }, directory: folder.path)
    }

    /// A port nothing listens on: a call that reached the network would answer api_unreachable.
    private static let closedPort = "http://127.0.0.1:9"

    // MARK: - Operations

    @Test func anOperationByIdSendsItsQueryParametersAndAnswersTheParsedJSON() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let result = try run("httpbin", #"{"operation_id": "getQuery", "parameters": {"a": "x y&z", "n": 3, "tags": ["p", "q"]}}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let answer = result.json
        #expect(answer["success"] == true)
        #expect(answer["status"] == 200)
        // Encoded on the way out, decoded by the server: the value arrives whole.
        #expect(answer["data"]?["args"]?["a"] == "x y&z")
        #expect(answer["data"]?["args"]?["n"] == "3")
        #expect(answer["data"]?["args"]?["tags"] == ["p", "q"])
    }

    @Test func anOperationByMethodAndConcretePathFillsItsPathParameter() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let concrete = try run("httpbin", #"{"method": "get", "path": "/status/204"}"#)
        #expect(concrete.status == 0, "\(concrete.stdoutText) \(concrete.stderr)")
        let answer = concrete.json
        #expect(answer == ["success": true, "status": 204, "data": nil])
        // The template with the parameter given, percent-encoded into the path.
        let template = try run("httpbin", #"{"method": "GET", "path": "/anything/{anything}", "parameters": {"anything": "a b/c"}}"#)
        #expect(template.status == 0, "\(template.stdoutText) \(template.stderr)")
        let url = template.json["data"]?["url"]?.stringValue ?? ""
        // The server decodes the path and shows its own encoding of it: the value arrived whole.
        #expect(url.hasSuffix("/anything/a%20b/c"), "\(url)")
        #expect(template.json["data"]?["method"] == "GET")
    }

    @Test func headerParametersAndAJSONBodyReachTheServer() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let input = #"{"operation_id": "createThing", "parameters": {"X-Trace-Id": "trace-42"}, "body": {"name": "kettle", "size": null, "parts": [{"label": "lid"}]}}"#
        let result = try run("httpbin", input)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let data = result.json["data"]
        #expect(data?["json"] == ["name": "kettle", "size": nil, "parts": [["label": "lid"]]])
        #expect(data?["headers"]?["X-Trace-Id"] == "trace-42")
        #expect(data?["headers"]?["Content-Type"] == "application/json")
    }

    @Test func aBearerTokenComesFromTheEnvironmentAndNeverIntoAnError() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let token = "sekrit-token-1234"
        let accepted = try run("httpbin_auth", #"{"operation_id": "checkBearer"}"#, environment: ["HTTPBIN_TOKEN": token])
        #expect(accepted.status == 0, "\(accepted.stdoutText) \(accepted.stderr)")
        #expect(accepted.json["data"]?["authenticated"] == true)
        #expect(accepted.json["data"]?["token"] == .string(token))

        // Unset: refused before any request, naming the variable and not a value.
        let missing = try run("httpbin_auth", #"{"operation_id": "checkBearer"}"#)
        #expect(missing.status == 1)
        #expect(missing.json["error_code"] == "credential_missing")
        #expect((missing.json["error"]?.stringValue ?? "").contains("HTTPBIN_TOKEN"))

        // A failed call whose body echoes the token (httpbin's /anything does) keeps it out.
        let failed = try run("httpbin_auth", #"{"operation_id": "getStatus", "parameters": {"code": 500}}"#, environment: ["HTTPBIN_TOKEN": token])
        #expect(failed.json["error_code"] == "http_error")
        let echoed = try run("httpbin_auth", #"{"operation_id": "getHeaders"}"#, environment: ["HTTPBIN_TOKEN": token])
        #expect(echoed.json["data"]?["headers"]?["Authorization"] == .string("Bearer \(token)"))
        #expect(!failed.stdoutText.contains(token) && !failed.stderr.contains(token) && !missing.stdoutText.contains(token))
    }

    @Test func aStatusOutsideTwoHundredsIsAFailureWithTheStatusAndBody() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let result = try run("httpbin", #"{"operation_id": "getStatus", "parameters": {"code": 418}}"#)
        #expect(result.status == 1)
        let answer = result.json
        #expect(answer["success"] == false)
        #expect(answer["error_code"] == "http_error")
        #expect(answer["status"] == 418)
        // httpbin's teapot answers in ASCII art: not JSON, so the text.
        #expect((answer["data"]?.stringValue ?? "").contains("teapot"))
        #expect((answer["error"]?.stringValue ?? "").contains("418"))
    }

    @Test func invalidParametersAreRefusedBeforeAnyRequest() throws {
        catalogue(httpbin: Self.closedPort)
        let result = try run("httpbin", #"{"operation_id": "getStatus", "parameters": {"code": "teapot", "colour": 1}}"#)
        #expect(result.status == 2, "\(result.stdoutText)")
        let answer = result.json
        #expect(answer["error_code"] == "invalid_input")
        let violations = answer["violations"]?.arrayValue ?? []
        let paths = violations.compactMap { $0["path"]?.stringValue }
        #expect(paths.sorted() == ["/parameters/code", "/parameters/colour"])
        // The body's schema, through two $refs and a nullable; a missing required path parameter.
        let body = try run("httpbin", #"{"operation_id": "createThing", "body": {"name": "", "size": "big", "parts": [{"label": 3}]}}"#)
        let bodyPaths = (body.json["violations"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }.sorted()
        #expect(bodyPaths == ["/body/name", "/body/parts/0/label", "/body/size"], "\(body.stdoutText)")
        let noCode = try run("httpbin", #"{"operation_id": "getStatus"}"#)
        #expect(noCode.json["error_code"] == "invalid_input")
        #expect((noCode.json["error"]?.stringValue ?? "").contains("/parameters/code is required"))
        // No operation named: the call says how to name one.
        let unnamed = try run("httpbin", #"{"parameters": {}}"#)
        #expect(unnamed.json["error_code"] == "invalid_input")
        // A path parameter cannot climb out of its operation's path.
        for climb in ["..", "%2E%2e", "."] {
            let escaped = try run("httpbin", #"{"operation_id": "getAnything", "parameters": {"anything": "\#(climb)"}}"#)
            #expect(escaped.json["error_code"] == "invalid_input", "\(climb): \(escaped.stdoutText)")
            #expect(escaped.json["violations"]?[0]?["path"] == "/parameters/anything", "\(escaped.stdoutText)")
        }
    }

    @Test func anUnknownOperationIsRefusedWithTheNearestName() throws {
        catalogue(httpbin: Self.closedPort)
        let result = try run("httpbin", #"{"operation_id": "getStatu"}"#)
        #expect(result.json["error_code"] == "unknown_operation")
        #expect(result.json["suggestions"] == ["getStatus"])
        let byPath = try run("httpbin", #"{"method": "DELETE", "path": "/status/404"}"#)
        #expect(byPath.json["error_code"] == "unknown_operation")
        #expect((byPath.json["error"]?.stringValue ?? "").contains("takes GET"))
    }

    // MARK: - Network settings

    @Test func aHostTheAllowListDoesNotNameIsRefused() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL, config: "network:\n  allowed_hosts: [\"*.example.org\", localhost]\n")
        let refused = try run("httpbin", #"{"operation_id": "getQuery"}"#)
        #expect(refused.status == 1)
        #expect(refused.json["error_code"] == "host_not_allowed")
        #expect(refused.json["host"] == "127.0.0.1")
        // The same call once the address is listed (the environment overrides the file).
        let allowed = try run("httpbin", #"{"operation_id": "getQuery"}"#, environment: ["TOOLHOST_ALLOWED_HOSTS": "127.0.0.1"])
        #expect(allowed.status == 0, "\(allowed.stdoutText)")
    }

    @Test func withoutTheConfigOverrideTheToolsOwnBaseURLIsCalled() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        // The override sends `httpbin` to the local server (every test above relies on it);
        // without it, the YAML's base URL is called, whose name does not resolve.
        folder.write("toolhost.yaml", "tools:\n  paths: [tools]\n")
        let result = try run("httpbin", #"{"operation_id": "getQuery"}"#)
        #expect(result.json["error_code"] == "api_unreachable", "\(result.stdoutText)")
        #expect((result.json["error"]?.stringValue ?? "").contains("httpbin.invalid"))
    }

    @Test func editingWhereAToolSendsItsCallsNeedsApprovalAgain() throws {
        catalogue(httpbin: Self.closedPort)
        // The first call approves the tool as it is (trust on first use).
        _ = try run("generic", #"{"path": "/get"}"#)
        folder.write("tools/generic.yaml", """
            name: generic
            type: openapi
            description: A generic HTTP tool without a spec
            openapi: {base_url: "http://attacker.invalid"}
            """)
        let lines = #"{"id": 1, "tool": "generic", "input": {"path": "/get"}}"# + "\n"
        let served = try binary.run(["serve", "--jsonl", "--config", folder.url("toolhost.yaml")], stdin: Array(lines.utf8),
                                    environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"], directory: folder.path)
        let answer = try JSONParser.parse(served.stdoutText.split(separator: "\n").first.map(String.init) ?? "")
        #expect(answer["result"]?["error_code"] == "tool_changed", "\(served.stdoutText)")
    }

    // MARK: - Specs

    @Test func aSpecFromAURLIsCachedByItsETag() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        folder.write("served/httpbin.yaml", OpenAPIFixtures.httpbin)
        let specServer = try OpenAPITestServer("spec", folder.url("served/httpbin.yaml"))
        folder.write("tools/remote.yaml", """
            name: remote
            type: openapi
            openapi: {spec_url: "\(specServer.baseURL)/spec.yaml", base_url: "\(httpbin.baseURL)"}
            """)
        let first = try run("remote", #"{"operation_id": "getQuery", "parameters": {"a": "1"}}"#)
        #expect(first.status == 0, "\(first.stdoutText) \(first.stderr)")
        let firstFetch = try specServer.nextLogLine()
        #expect(firstFetch == "GET /spec.yaml 200")
        // A new process: it asks with the ETag it kept in the data directory and gets a 304.
        let second = try run("remote", #"{"operation_id": "getQuery", "parameters": {"a": "2"}}"#)
        #expect(second.json["data"]?["args"]?["a"] == "2", "\(second.stdoutText) \(second.stderr)")
        let secondFetch = try specServer.nextLogLine()
        #expect(secondFetch == "GET /spec.yaml 304")
        #expect(FileManager.default.fileExists(atPath: folder.url("data/openapi-specs")))
        // The spec's server gone: the kept copy serves, and the caller is told.
        specServer.stop()
        let third = try run("remote", #"{"operation_id": "getQuery", "parameters": {"a": "3"}}"#)
        #expect(third.json["data"]?["args"]?["a"] == "3", "\(third.stdoutText)")
        #expect(third.stderr.contains("using the copy fetched earlier"), "\(third.stderr)")
    }

    @Test func describeListsTheOperationsOfTheSpec() throws {
        catalogue(httpbin: Self.closedPort)
        let result = try binary.run(["describe", "httpbin", "--format", "json", "--config", folder.url("toolhost.yaml")],
                                    environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"], directory: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        let described = result.json
        let ids = (described["operations"]?.arrayValue ?? []).compactMap { $0["operation_id"]?.stringValue }
        #expect(ids == ["getQuery", "createThing", "getStatus", "getHeaders", "checkBearer", "getAnything", "postAnything"])
        let status = described["operations"]?.arrayValue?.first { $0["operation_id"] == "getStatus" }
        #expect(status?["method"] == "GET" && status?["path"] == "/status/{code}")
        #expect(status?["parameters"] == [["name": "code", "in": "path", "required": true, "type": "integer"]])
        #expect(described["spec"]?["openapi"] == "3.0.3")
        #expect(described["input_schema"]?["properties"]?["operation_id"]?["type"] == "string")
        #expect(described["runner"] == "type:openapi")
    }

    @Test func aSwagger2SpecIsRefusedWithWhatToDo() throws {
        catalogue(httpbin: Self.closedPort)
        folder.write("tools/old/swagger.json", OpenAPIFixtures.swagger2)
        folder.write("tools/old/old.yaml", "name: old\ntype: openapi\nopenapi: {spec_file: swagger.json, base_url: \"\(Self.closedPort)\"}\n")
        let result = try run("old", #"{"operation_id": "x"}"#)
        #expect(result.json["error_code"] == "openapi_spec_unavailable")
        #expect((result.json["error"]?.stringValue ?? "").contains("Swagger 2.0"))
    }

    @Test func validateReportsAnOpenAPIBlockThatCannotWork() throws {
        catalogue(httpbin: Self.closedPort)
        folder.write("tools/sloppy.yaml", """
            name: sloppy
            type: openapi
            openapi: {spec_ulr: "http://x/openapi.json", auth: {type: oauth, token: abc}}
            """)
        let result = try binary.run(["validate", "--config", folder.url("toolhost.yaml")],
                                    environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"], directory: folder.path)
        let text = result.stdoutText + result.stderr
        #expect(text.contains("unknown openapi key 'spec_ulr'"), "\(text)")
        #expect(text.contains("unknown auth type 'oauth'") && text.contains("needs 'env'"), "\(text)")
        #expect(text.contains("neither a spec nor a 'base_url'"), "\(text)")
        // At call time the same block is refused before anything is sent.
        let call = try run("sloppy", #"{"path": "/x"}"#)
        #expect(call.json["error_code"] == "invalid_tool_definition", "\(call.stdoutText)")
    }

    // MARK: - Generic requests and limits

    @Test func aToolWithoutASpecMakesGenericRequests() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let input = #"{"method": "PUT", "path": "/anything/generic", "query": {"q": ["1", "2"]}, "headers": {"X-Thing": "yes"}, "body": {"k": [1, 2]}}"#
        let result = try run("generic", input)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let data = result.json["data"]
        #expect(data?["method"] == "PUT")
        #expect(data?["args"]?["q"] == ["1", "2"])
        #expect(data?["json"] == ["k": [1, 2]])
        #expect(data?["headers"]?["X-Thing"] == "yes")
        // Its schema asks for a path, and refuses what it does not know.
        let noPath = try run("generic", #"{"method": "GET", "url": "http://elsewhere"}"#)
        #expect(noPath.status == 2)
        #expect(noPath.json["error_code"] == "invalid_input")
        // Nor a path that climbs out from under the base URL, however it is spelled.
        for climb in ["/../status/200", "/anything/%2e%2E/x", "/./anything"] {
            let escaped = try run("generic", #"{"path": "\#(climb)"}"#)
            #expect(escaped.json["error_code"] == "invalid_input", "\(climb): \(escaped.stdoutText)")
        }
        let lookalike = try run("generic", #"{"path": "/anything/..x"}"#)
        #expect(lookalike.status == 0, "a name that only starts with dots is a name: \(lookalike.stdoutText)")
    }

    @Test func aServerThatNeverAnswersTimesOut() throws {
        let silent = try OpenAPITestServer("silent")
        catalogue(httpbin: Self.closedPort)
        folder.write("tools/silent.yaml", "name: silent\ntype: openapi\nopenapi: {base_url: \"\(silent.baseURL)\", timeout: 1}\n")
        let result = try run("silent", #"{"path": "/anything"}"#)
        #expect(result.status == 124, "\(result.stdoutText)")
        #expect(result.json["error_code"] == "timeout")
    }

    // MARK: - Front ends

    @Test func anOpenAPIToolRunsThroughServeJSONLines() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let lines = """
            {"id": 1, "tool": "httpbin", "input": {"operation_id": "getQuery", "parameters": {"a": "served"}}}
            {"id": 2, "tool": "httpbin", "input": {"operation_id": "getStatus", "parameters": {"code": 404}}}

            """
        let result = try binary.run(["serve", "--jsonl", "--config", folder.url("toolhost.yaml")], stdin: Array(lines.utf8),
                                    environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"], directory: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        let answers = result.stdoutText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        let first = answers.first { $0["id"] == 1 }
        let second = answers.first { $0["id"] == 2 }
        #expect(first?["result"]?["data"]?["args"]?["a"] == "served", "\(result.stdoutText)")
        #expect(first?["exit_code"] == 0)
        #expect(second?["result"]?["error_code"] == "http_error")
        #expect(second?["result"]?["status"] == 404)
    }

    @Test func anOpenAPIToolRunsThroughServeMCPWithItsSchema() throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let server = [binary.path, "serve", "--mcp", "--config", folder.url("toolhost.yaml")]
        let called = try MCPClient.run(["call", "httpbin", #"{"operation_id": "getQuery", "parameters": {"a": "over mcp"}}"#],
                                       server: server, environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"], directory: folder.path)
        #expect(called.json["isError"] == false, "\(called.json)")
        let answer = try JSONParser.parse(called.json["text"]?.stringValue ?? "")
        #expect(answer["data"]?["args"]?["a"] == "over mcp")
        let listed = try MCPClient.run(["list"], server: server, environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"], directory: folder.path)
        let entry = listed.json["tools"]?.arrayValue?.first { $0["name"] == "httpbin" }
        #expect(entry?["inputSchema"]?["properties"]?["operation_id"]?["type"] == "string", "\(listed.json)")
    }

    @Test func anOpenAPIToolServedOverHTTPMapsTheAPIsFailuresToBadGateway() async throws {
        let httpbin = try OpenAPITestServer("httpbin")
        catalogue(httpbin: httpbin.baseURL)
        let server = try await HTTPServer.start(binary: binary, in: folder.path, ["--config", folder.url("toolhost.yaml")],
                                                environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
        let answered = try await server.send("POST", "/api/tools/httpbin/invoke", #"{"operation_id": "getQuery", "parameters": {"a": "over http"}}"#)
        #expect(answered.status == 200)
        #expect(answered.json["data"]?["args"]?["a"] == "over http")
        let failed = try await server.send("POST", "/api/tools/httpbin/invoke", #"{"operation_id": "getStatus", "parameters": {"code": 503}}"#)
        #expect(failed.status == 502)
        #expect(failed.json["error_code"] == "http_error" && failed.json["status"] == 503)
        let invalid = try await server.send("POST", "/api/tools/httpbin/invoke", #"{"operation_id": "getStatus", "parameters": {"code": 99}}"#)
        #expect(invalid.status == 400)
        try await server.expectCleanExit()
    }

    @Test func anOpenAPIToolCallsToolHostsOwnHTTPServer() async throws {
        // The server: ToolHost in a folder of its own (its built-in tools are its catalogue).
        let served = TemporaryDirectory()
        served.write("toolhost.yaml", "tools:\n  paths: [tools]\n")
        served.write("tools/.keep", "")
        let server = try await HTTPServer.start(binary: binary, in: served.path, ["--config", served.url("toolhost.yaml")],
                                                environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
        catalogue(httpbin: Self.closedPort)
        folder.write("tools/toolhost/toolhost-openapi.json", OpenAPIFixtures.toolhost)
        folder.write("tools/toolhost/toolhost_api.yaml", """
            name: toolhost_api
            type: openapi
            openapi: {spec_file: toolhost-openapi.json, base_url: "http://127.0.0.1:\(server.port)"}
            """)
        let invoked = try await blocking { [self] in
            try run("toolhost_api", #"{"operation_id": "invokeTool", "parameters": {"id": "tools_manager"}, "body": {"operation": "list"}}"#)
        }
        #expect(invoked.status == 0, "\(invoked.stdoutText) \(invoked.stderr)")
        #expect(invoked.json["data"]?["success"] == true)
        let listedIDs = (invoked.json["data"]?["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(listedIDs.contains("tools_manager"))
        // A tool the server does not have: its 404 and its own error code come back as data.
        let missing = try await blocking { [self] in
            try run("toolhost_api", #"{"method": "GET", "path": "/api/tools/no_such_tool"}"#)
        }
        #expect(missing.json["error_code"] == "http_error")
        #expect(missing.json["status"] == 404)
        #expect(missing.json["data"]?["error_code"] == "unknown_tool")
        try await server.expectCleanExit()
    }
}
