import Testing
import ToolHostTestSupport
import ToolHostCore
import ToolHostNetwork
@testable import ToolHostTools

/// The pieces of openapi tools that need no server: reading a spec, its `$ref`s and 3.0
/// schemas, building requests, and the network and openapi config sections. The calls
/// themselves are tested against real servers (Tests/ToolHostCLITests/OpenAPIToolTests.swift).
@Suite("OpenAPI tool parts")
struct OpenAPIPartsTests {
    @Test func aRecursiveSchemaIsCutWhereItLoopsAndStillValidatesItsFirstLevel() throws {
        let spec = """
            {"openapi": "3.1.0", "paths": {"/trees": {"post": {"operationId": "plant",
              "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tree"}}}}}}},
             "components": {"schemas": {"Tree": {"type": "object", "properties": {
               "name": {"type": "string"}, "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}}}}}}
            """
        let document = try OpenAPIDocument.parse(Array(spec.utf8))
        let schema = try #require(document.operations.first?.body?.schema)
        let wrong: JSONValue = ["name": 1, "kids": [["name": 2]]]
        let paths = SchemaValidator.validate(wrong, against: schema).violations.map(\.path)
        // The tree's own fields are checked; where it would contain itself, anything goes.
        #expect(paths == ["/name"])
        let kids = schema["properties"]?["kids"]?["items"]
        #expect(kids == [:])
        #expect(document.unresolvedReferences.isEmpty)
    }

    @Test func externalAndDanglingReferencesAcceptAnythingAndAreListed() throws {
        let spec = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: 'other.yaml#/P'\n        - {name: q, in: query, schema: {$ref: '#/nowhere'}}\n"
        let document = try OpenAPIDocument.parse(Array(spec.utf8))
        #expect(document.unresolvedReferences == ["other.yaml#/P", "#/nowhere"])
        #expect(document.operations.first?.parameters.map(\.name) == ["q"])
    }

    @Test func nullableAndBooleanExclusiveBoundsOf30BecomeJSONSchema() {
        let converted = OpenAPISchemaConversion.jsonSchema(["type": "integer", "nullable": true, "minimum": 0, "exclusiveMinimum": true,
                                                            "enum": [1, 2]])
        #expect(converted == ["type": ["integer", "null"], "enum": [1, 2, nil], "exclusiveMinimum": 0])
        #expect(SchemaValidator.validate(.null, against: converted).isValid)
        #expect(!SchemaValidator.validate(0, against: converted).isValid)
    }

    @Test func swaggerTwoAndOtherVersionsAreRefusedSayingWhy() {
        for (text, expected) in [(#"{"swagger": "2.0"}"#, "Swagger 2.0"), (#"{"openapi": "4.0"}"#, "OpenAPI 4.0"), ("- a list", "not an OpenAPI")] {
            #expect(throws: OpenAPIDocument.Invalid.self) { try OpenAPIDocument.parse(Array(text.utf8)) }
            do {
                _ = try OpenAPIDocument.parse(Array(text.utf8))
            } catch {
                #expect(error.problem.contains(expected), "\(error.problem)")
            }
        }
    }

    @Test func aConcretePathFillsTheTemplatesParameters() {
        #expect(OpenAPIOperationTable.match(template: "/pets/{id}/toys/{toy}", concrete: "/pets/4/toys/ball") == ["id": "4", "toy": "ball"])
        #expect(OpenAPIOperationTable.match(template: "/pets/{id}", concrete: "/pets/4/toys") == nil)
        #expect(OpenAPIOperationTable.match(template: "/pets/{id}", concrete: "/pets/") == nil)
    }

    @Test func requestsEncodePathAndQueryAndKeepTheBasePath() throws {
        let spec = """
            {"openapi": "3.0.3", "paths": {"/items/{name}": {"get": {"operationId": "get", "parameters": [
              {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
              {"name": "ids", "in": "query", "explode": false, "schema": {"type": "array"}},
              {"name": "tag", "in": "query", "schema": {"type": "array"}},
              {"name": "X-Mode", "in": "header", "schema": {"type": "string"}}]}}}}
            """
        let operation = try #require(try OpenAPIDocument.parse(Array(spec.utf8)).operations.first)
        var builder = OpenAPIRequestBuilder(method: operation.method, path: operation.path)
        builder.fill(operation: operation, parameters: ["name": "a b/ü", "ids": [1, 2], "tag": ["x", "y&z"], "X-Mode": "fast"], body: nil)
        let request = builder.request(baseURL: "http://127.0.0.1:8080/api/v1/")
        #expect(request.url == "http://127.0.0.1:8080/api/v1/items/a%20b%2F%C3%BC?ids=1%2C2&tag=x&tag=y%26z")
        #expect(request.headers.contains(HTTPHeader("X-Mode", "fast")))
        #expect(OpenAPIRequestBuilder.encodePath("/a b/%41?x=1") == "/a%20b/%41?x=1")
    }

    @Test func theAllowListMatchesNamesAndSubdomains() {
        let settings = NetworkSettings(allowedHosts: ["localhost", "*.Example.org"])
        #expect(settings.allows(host: "LOCALHOST"))
        #expect(settings.allows(host: "api.example.org") && settings.allows(host: "a.b.example.org"))
        #expect(!settings.allows(host: "example.org") && !settings.allows(host: "badexample.org") && !settings.allows(host: "127.0.0.1"))
        #expect(NetworkSettings().allows(host: "anything.at.all"))
    }

    @Test func theSectionsComeFromTheFileOrTheEnvironment() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", """
            network: {allowed_hosts: [localhost]}
            openapi: {base_urls: {weather: "http://127.0.0.1:9000"}, spec_max_age_seconds: 0}
            """)
        let config = try ConfigLoader.load(environment: ["TOOLHOST_ALLOWED_HOSTS": "a.org, b.org"], currentDirectory: directory.path,
                                           sections: HostSections.all)
        #expect(config.network.allowedHosts == ["a.org", "b.org"])
        #expect(config.openAPI.baseURLs == ["weather": "http://127.0.0.1:9000"])
        #expect(config.openAPI.specMaxAgeSeconds == 0)
        #expect(config.warnings.isEmpty)
        directory.write("toolhost.yaml", "openapi: {base_urls: {weather: \"ftp://x\"}}\nnetwork: {allowed_hosts: [\"http://x.org/\"]}\n")
        #expect(throws: ToolHostError.self) {
            try ConfigLoader.load(environment: [:], currentDirectory: directory.path, sections: HostSections.all)
        }
    }
}
