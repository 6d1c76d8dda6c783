import Foundation
import Testing
import ToolHostCore
import ToolHostTestSupport

/// The HTTP API as described and as browsers and operators meet it, through the real binaries
/// and independent clients: the OpenAPI document (openapi-spec-validator, and schemathesis
/// fuzzing the server from it), 405 with `Allow`, HEAD, CORS, the bearer scheme in any case,
/// and the build and process metrics (promtool).
@Suite("toolhost serve --http: the described API", .serialized)
struct ServeHTTPAPITests {
    let fixture = CLIFixture()

    // MARK: - The OpenAPI document

    @Test func theDocumentIsValidOpenAPI31AndEachToolsInvokeRouteCarriesItsInputSchema() async throws {
        let server = try await HTTPServer.start(fixture)
        let served = try await server.send("GET", "/openapi.json")
        #expect(served.status == 200)
        #expect(served.header("Content-Type") == "application/json")
        let document = served.json
        #expect(document["openapi"] == "3.1.0")
        let validation = try validate(document)
        #expect(validation.status == 0, "openapi-spec-validator: \(validation.stdoutText) \(validation.stderr)")

        // Every route the server has, each GET with its HEAD twin.
        let paths = document["paths"]?.objectValue ?? [:]
        for (path, method) in [("/api/tools", "get"), ("/api/tools", "head"), ("/api/tools/{id}", "get"), ("/healthz", "get"),
                               ("/metrics", "get"), ("/openapi.json", "get"), ("/api/training/export", "post"),
                               ("/api/training/stats", "get"), ("/api/training/mark-exported/{conversation_id}", "post")] {
            #expect(paths[path]?[method]?["operationId"]?.stringValue != nil, "\(method) \(path)")
        }
        // One invoke path per tool, whose body is the tool's own normalised input schema.
        let listing = try await server.send("GET", "/api/tools").json
        let ids = listing["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains("echo") && ids.count >= 5)
        for id in ids {
            let operation = paths["/api/tools/\(id)/invoke"]?["post"]
            let reference = operation?["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.stringValue
            #expect(reference == "#/components/schemas/invoke_\(id)", "\(id)")
            // The same schema, an optional property also taking null (read as "not given").
            let schema = document["components"]?["schemas"]?["invoke_\(id)"]
            let inputSchema = try await server.send("GET", "/api/tools/\(id)").json["input_schema"]
            #expect(schema != nil && schema?["required"] == inputSchema?["required"], "\(id)")
            #expect(schema?["properties"]?.objectValue?.keys == inputSchema?["properties"]?.objectValue?.keys, "\(id)")
            // The errors as the server sends them: {"success": false, "error", "error_code"}.
            #expect(operation?["responses"]?["400"]?["content"]?["application/json"]?["schema"]?["$ref"] == "#/components/schemas/Error")
        }
        let echo = document["components"]?["schemas"]?["invoke_echo"]
        #expect(echo?["properties"]?["message"]?["type"] == "string")
        #expect(echo?["properties"]?["times"]?["anyOf"] == [["type": "integer", "minimum": 1, "default": 1], ["type": "null"]])
        #expect(paths["/api/tools/{id}/invoke"] == nil)
        let error = document["components"]?["schemas"]?["Error"]
        #expect(error?["required"] == ["success", "error", "error_code"])
        // No token configured: no security requirement.
        #expect(document["security"] == nil)
        try await server.expectCleanExit()
    }

    @Test func withATokenTheDocumentRequiresItEverywhereButHealthz() async throws {
        let server = try await HTTPServer.start(fixture, environment: ["TOOLHOST_HTTP_TOKEN": "secret"])
        #expect(try await server.send("GET", "/openapi.json").status == 401)
        let document = try await server.send("GET", "/openapi.json", headers: ["Authorization": "Bearer secret"]).json
        #expect(document["security"] == [["bearer": []]])
        #expect(document["components"]?["securitySchemes"]?["bearer"]?["scheme"] == "bearer")
        #expect(document["paths"]?["/healthz"]?["get"]?["security"] == [])
        #expect(document["paths"]?["/api/tools"]?["get"]?["responses"]?["401"] != nil)
        #expect(document["paths"]?["/healthz"]?["get"]?["responses"]?["401"] == nil)
        let validation = try validate(document)
        #expect(validation.status == 0, "openapi-spec-validator: \(validation.stdoutText) \(validation.stderr)")
        try await server.expectCleanExit()
    }

    /// docs/openapi.json is what the server serves for the shipped catalogue.
    @Test func theRepositorysCopyOfTheDocumentIsCurrent() async throws {
        let server = try await shippedCatalogueServer()
        let served = try await server.send("GET", "/openapi.json").json
        let copy = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: FilePath.join(ToolHostPaths.packageRoot, "docs/openapi.json")))))
        #expect(copy == served, "docs/openapi.json is stale: run scripts/update-openapi.sh and commit it")
        try await server.expectCleanExit()
    }

    /// schemathesis generates requests from the document (valid and invalid ones, wrong
    /// methods included) against the shipped catalogue on SQLite: no answer may be a server
    /// error, and every answer must match what the document says of it.
    @Test func schemathesisFindsNoServerErrorAndEveryAnswerMatchesTheDocument() async throws {
        let server = try await shippedCatalogueServer()
        let work = TemporaryDirectory()  // schemathesis keeps its Hypothesis database in its folder
        let python = try TestPython.path()
        let run = try await blocking {
            try ToolHostBinary().runProgram(python, [
                "-c", "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
                "--config-file", FilePath.join(ToolHostPaths.packageRoot, "scripts/schemathesis.toml"), "run", "http://127.0.0.1:\(server.port)/openapi.json",
                "--checks", "all",
                // Not applicable: no operation of this API creates a resource another reads by
                // id. And the tools' own validation goes further than their schemas say
                // (timestamps, fields one operation needs together): valid-looking input they
                // refuse is their documented 400, not a server error.
                "--exclude-checks", "use_after_free,ensure_resource_availability,object_level_authorization,positive_data_acceptance",
                "--phases", "examples,coverage,fuzzing",
                "--max-examples", "8", "--max-time", "45", "--seed", "18", "--workers", "1",
                "--request-timeout", "20", "--suppress-health-check", "all", "--no-shrink",
            ], directory: work.path)
        }
        #expect(run.status == 0, "schemathesis:\n\(run.stdoutText)\n\(run.stderr)")
        #expect(run.stdoutText.contains("passed"), "\(run.stdoutText)")
        try await server.expectCleanExit()
    }

    // MARK: - Methods

    @Test func sqlTheDatabaseRejectsAndUnknownTablesAreClientErrors() async throws {
        let server = try await HTTPServer.start(fixture)
        let rejected = try await server.send("POST", "/api/tools/postgres_client/invoke", #"{"operation": "query", "sql": "SELEC nonsense"}"#)
        #expect(rejected.status == 400)
        let body = try JSONParser.parse(rejected.body)
        #expect(body["error_code"] == "sql_rejected", "\(body)")
        // A table that does not exist, named in the input, is the caller's mistake too.
        let missing = try await server.send("POST", "/api/tools/postgres_client/invoke",
                                            #"{"operation": "insert", "table": "no_such_table", "data": {"a": 1}}"#)
        #expect(missing.status == 400)
        let missingBody = try JSONParser.parse(missing.body)
        #expect(missingBody["error_code"] == "unknown_identifier", "\(missingBody)")
        try await server.expectCleanExit()
    }

    @Test func aKnownPathWithAWrongMethodIs405WithAllow() async throws {
        let server = try await HTTPServer.start(fixture)
        let wrong = try Curl.send(port: server.port, "DELETE", "/api/tools")
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "GET, HEAD, OPTIONS")
        #expect(wrong.json["error_code"] == "method_not_allowed")
        let getInvoke = try Curl.send(port: server.port, "GET", "/api/tools/echo/invoke")
        #expect(getInvoke.status == 405)
        #expect(getInvoke.header("Allow") == "POST, OPTIONS")
        let postStats = try Curl.send(port: server.port, "POST", "/api/training/stats", body: "{}")
        #expect(postStats.status == 405 && postStats.header("Allow") == "GET, HEAD, OPTIONS")
        // OPTIONS names the methods; a path that does not exist stays 404.
        let options = try Curl.send(port: server.port, "OPTIONS", "/api/tools/echo")
        #expect(options.status == 204 && options.header("Allow") == "GET, HEAD, OPTIONS")
        let nowhere = try Curl.send(port: server.port, "DELETE", "/api/nowhere")
        #expect(nowhere.status == 404 && nowhere.header("Allow") == nil)
        try await server.expectCleanExit()
    }

    @Test func headOnEveryGETRouteAnswersItsHeadersWithoutABody() async throws {
        let server = try await HTTPServer.start(fixture)
        for path in ["/api/tools", "/api/tools/echo", "/api/tools/no_such_tool", "/healthz", "/metrics", "/openapi.json", "/api/training/stats"] {
            let get = try Curl.send(port: server.port, "GET", path)
            let head = try Curl.send(port: server.port, "HEAD", path)
            #expect(head.status == get.status, "\(path)")
            #expect(head.header("Content-Type") == get.header("Content-Type"), "\(path)")
            #expect(head.body.isEmpty, "\(path): \(head.body)")
            #expect(head.header("Content-Length").flatMap(Int.init) ?? 0 > 0, "\(path)")
        }
        // On one connection: the HEAD answer has no body, so the next answer follows its head.
        let connection = try RawHTTPConnection(port: server.port)
        try connection.send("HEAD /api/tools/echo HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let text = connection.readUntilClosed(within: 30).text
        let answers = text.components(separatedBy: "HTTP/1.1 ")
        #expect(answers.count == 3, "\(text)")
        #expect(answers.count == 3 && answers[1].hasSuffix("\r\n\r\n") && answers[1].hasPrefix("200"), "\(text)")
        #expect(text.hasSuffix("{\"status\":\"ok\",\"database\":\"ok\"}\n"), "\(text)")
        try await server.expectCleanExit()
    }

    // MARK: - CORS

    @Test func corsAnswersTheConfiguredOriginsOnly() async throws {
        fixture.directory.write("cors.yaml", """
            tools:
              paths: [tools]
            service:
              http:
                cors_origins: ["https://app.example.com"]
                cors_max_age_seconds: 120
            """)
        let server = try await HTTPServer.start(fixture, ["--config", "cors.yaml"], environment: ["TOOLHOST_HTTP_TOKEN": "secret"])
        // The preflight, without the token (a browser never sends it there).
        let preflight = try Curl.send(port: server.port, "OPTIONS", "/api/tools/echo/invoke", headers: [
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        ])
        #expect(preflight.status == 204)
        #expect(preflight.header("Access-Control-Allow-Origin") == "https://app.example.com")
        #expect(preflight.header("Access-Control-Allow-Methods") == "POST, OPTIONS")
        #expect(preflight.header("Access-Control-Allow-Headers")?.lowercased().contains("authorization") == true)
        #expect(preflight.header("Access-Control-Allow-Headers")?.lowercased().contains("content-type") == true)
        #expect(preflight.header("Access-Control-Allow-Headers")?.contains("traceparent") == true)
        #expect(preflight.header("Access-Control-Allow-Headers")?.contains("X-Request-Id") == true)
        #expect(preflight.header("Access-Control-Max-Age") == "120")
        #expect(preflight.header("Vary") == "Origin")

        // The request itself, and an error answer too, carry the origin and Vary.
        let call = try Curl.send(port: server.port, "POST", "/api/tools/echo/invoke", body: #"{"message": "hi"}"#,
                                 headers: ["Origin": "https://app.example.com", "Authorization": "Bearer secret"])
        #expect(call.status == 200)
        #expect(call.header("Access-Control-Allow-Origin") == "https://app.example.com")
        #expect(call.header("Access-Control-Expose-Headers")?.contains("X-ToolHost-Exit-Code") == true)
        #expect(call.header("Access-Control-Expose-Headers")?.contains("X-Request-Id") == true)
        #expect(call.header("Vary") == "Origin")
        let refused = try Curl.send(port: server.port, "GET", "/api/tools", headers: ["Origin": "https://app.example.com"])
        #expect(refused.status == 401 && refused.header("Access-Control-Allow-Origin") == "https://app.example.com")

        // Another origin: no CORS header at all (the browser keeps the answer from its page).
        let other = try Curl.send(port: server.port, "OPTIONS", "/api/tools/echo/invoke", headers: [
            "Origin": "https://evil.example.net", "Access-Control-Request-Method": "POST",
        ])
        #expect(other.header("Access-Control-Allow-Origin") == nil && other.header("Access-Control-Allow-Methods") == nil)
        #expect(other.header("Vary") == "Origin")
        let otherCall = try Curl.send(port: server.port, "GET", "/api/tools",
                                      headers: ["Origin": "https://evil.example.net", "Authorization": "Bearer secret"])
        #expect(otherCall.status == 200 && otherCall.header("Access-Control-Allow-Origin") == nil)
        try await server.expectCleanExit()
    }

    @Test func withoutConfiguredOriginsNoAnswerCarriesCORSHeaders() async throws {
        let server = try await HTTPServer.start(fixture)
        let preflight = try Curl.send(port: server.port, "OPTIONS", "/api/tools", headers: [
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "GET",
        ])
        #expect(preflight.status == 204)
        #expect(preflight.header("Access-Control-Allow-Origin") == nil)
        let call = try Curl.send(port: server.port, "GET", "/api/tools", headers: ["Origin": "https://app.example.com"])
        #expect(call.status == 200 && call.header("Access-Control-Allow-Origin") == nil)
        try await server.expectCleanExit()
    }

    @Test func aCORSOriginThatIsNotAnOriginIsAConfigError() async throws {
        fixture.directory.write("bad-cors.yaml", "service:\n  http:\n    cors_origins: [\"https://app.example.com/path\"]\n")
        let result = try await blocking { [fixture] in try fixture.run(["serve", "--http", "--config", "bad-cors.yaml"]) }
        #expect(result.status != 0)
        #expect(result.stderr.contains("service.http.cors_origins"), "\(result.stderr)")
    }

    // MARK: - The bearer scheme

    @Test func theBearerSchemeIsCaseInsensitive() async throws {
        let server = try await HTTPServer.start(fixture, environment: ["TOOLHOST_HTTP_TOKEN": "secret"])
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            let answer = try Curl.send(port: server.port, "GET", "/api/tools", headers: ["Authorization": "\(scheme) secret"])
            #expect(answer.status == 200, "\(scheme)")
        }
        for header in ["bearer wrong", "BEARER secre", "Bearersecret", "Basic secret", "bearer"] {
            let answer = try Curl.send(port: server.port, "GET", "/api/tools", headers: ["Authorization": header])
            #expect(answer.status == 401, "\(header)")
        }
        try await server.expectCleanExit()
    }

    // MARK: - Metrics

    @Test func metricsPassPromtoolAndTheProcessValuesArePlausible() async throws {
        let server = try await HTTPServer.start(fixture)
        _ = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "hi"}"#)
        let text = try await server.send("GET", "/metrics").text
        let file = fixture.directory.write("metrics.txt", text)
        let promtool = try await blocking { try ToolHostBinary().runProgram("/bin/sh", ["-c", "promtool check metrics < \"$0\"", file]) }
        #expect(promtool.status == 0, "promtool: \(promtool.stdoutText) \(promtool.stderr)\n\(text)")

        #expect(text.contains("toolhost_build_info{version=\"\(ToolHostVersion.current)\""), "\(text)")
        #expect(sample(text, "toolhost_build_info") == 1)
        let resident = sample(text, "process_resident_memory_bytes") ?? 0
        #expect(resident > 1_000_000 && resident < 10_000_000_000, "\(resident)")
        #expect((sample(text, "process_virtual_memory_bytes") ?? 0) >= resident)
        let cpu = sample(text, "process_cpu_seconds_total") ?? -1
        #expect(cpu > 0 && cpu < 3600, "\(cpu)")
        let openFDs = sample(text, "process_open_fds") ?? 0
        let maxFDs = sample(text, "process_max_fds") ?? 0
        #expect(openFDs >= 3 && openFDs < maxFDs, "\(openFDs) of \(maxFDs)")
        let start = sample(text, "process_start_time_seconds") ?? 0
        let now = Date().timeIntervalSince1970
        #expect(start < now && start > now - 3600, "\(start), now \(now)")
        try await server.expectCleanExit()
    }

    // MARK: - Helpers

    /// A server on the shipped catalogue (the built-in tools and tools/) with no config file,
    /// its database in a folder of its own: what docs/openapi.json describes.
    private func shippedCatalogueServer() async throws -> HTTPServer {
        fixture.directory.write("shipped/.keep", "")
        return try await HTTPServer.start(binary: fixture.binary, in: fixture.directory.url("shipped"), ["--tools-dir", ToolHostPaths.shippedTools])
    }

    /// openapi-spec-validator on the document (its exit status and report).
    private func validate(_ document: JSONValue) throws -> ToolHostBinary.Result {
        let file = fixture.directory.write("openapi.json", JSONWriter.string(document))
        return try ToolHostBinary().runProgram(try TestPython.path(), ["-m", "openapi_spec_validator", "--schema", "3.1", file])
    }

    /// The value of the sample `name` (no labels, or the first with labels).
    private func sample(_ text: String, _ name: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }
}
