import HTTPTypes
import Hummingbird
import Testing
import ToolHostCore
@testable import ToolHostServe

/// The route table is the one list of routes: the router serves exactly it, and the OpenAPI
/// document describes exactly it (a route registered on the router any other way fails here).
@Suite("HTTP route table")
struct RouteTableTests {
    @Test func theRouterServesExactlyTheTablesRoutesEachGETWithItsHEAD() throws {
        let served = try ServedHost()
        let frontEnd = try HTTPFrontEnd(host: served.host, listen: nil)
        let registered = Set(frontEnd.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        var declared = Set<String>()
        for route in frontEnd.routeTable().routes {
            declared.insert("\(route.method.rawValue) \(route.path)")
            if route.method == .get { declared.insert("HEAD \(route.path)") }
        }
        #expect(registered == declared)
        #expect(registered.contains("POST /api/tools/{id}/invoke") && registered.contains("HEAD /metrics"))
    }

    @Test func theDocumentDescribesEveryRouteOncePerToolForInvoke() throws {
        let served = try ServedHost()
        let frontEnd = try HTTPFrontEnd(host: served.host, listen: nil)
        let document = frontEnd.openAPIDocument()
        let paths = document["paths"]?.objectValue ?? [:]
        for route in frontEnd.routeTable().routes where route.perTool == nil {
            #expect(paths[route.path]?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(route.path)")
        }
        for id in served.toolIDs {
            #expect(paths["/api/tools/\(id)/invoke"]?["post"]?["operationId"] == .string("invoke_\(id)"), "\(id)")
        }
        var operationIDs: [String] = []
        for (_, item) in paths { for (_, operation) in item.objectValue ?? [:] { operationIDs.append(operation["operationId"]?.stringValue ?? "") } }
        #expect(Set(operationIDs).count == operationIDs.count, "operationIds must be unique")
    }

    @Test func aToolSchemasOwnReferencesPointIntoItsComponent() {
        let schema: JSONValue = ["type": "object", "properties": ["a": ["$ref": "#/$defs/thing"], "b": ["$ref": "#"]],
                                 "$defs": ["thing": ["type": "string"]]]
        var components = JSONObject()
        let reference = OpenAPIDocument.componentReference(for: schema, named: "invoke_x", in: &components)
        #expect(reference == ["$ref": "#/components/schemas/invoke_x"])
        #expect(components["invoke_x"]?["properties"]?["a"]?["$ref"] == "#/components/schemas/invoke_x/$defs/thing")
        #expect(components["invoke_x"]?["properties"]?["b"]?["$ref"] == "#/components/schemas/invoke_x")
        #expect(OpenAPIDocument.pathSegment("mcp.time tool") == "mcp.time%20tool")
    }

    @Test func templatesMatchOneSegmentPerParameter() {
        let route = APIRoute(.post, "/api/tools/{id}/invoke", APIOperation(id: "x", summary: "x", tags: [], responses: [])) { _, _ in Response(status: .ok) }
        #expect(route.matches(path: "/api/tools/echo/invoke"))
        #expect(route.matches(path: "/api/tools/echo/invoke/"))
        #expect(!route.matches(path: "/api/tools/invoke"))
        #expect(!route.matches(path: "/api/tools/a/b/invoke"))
    }

    @Test func theBearerSchemeIsReadInAnyCase() {
        typealias Auth = BearerAuthMiddleware<BasicRequestContext>
        #expect(Auth.bearerToken(in: "Bearer abc") == Array("abc".utf8))
        #expect(Auth.bearerToken(in: "bearer abc") == Array("abc".utf8))
        #expect(Auth.bearerToken(in: "BEARER   abc") == Array("abc".utf8))
        #expect(Auth.bearerToken(in: "Bearerabc").isEmpty)
        #expect(Auth.bearerToken(in: "Basic abc").isEmpty)
        #expect(Auth.bearerToken(in: "Bearer").isEmpty)
        #expect(Auth.bearerToken(in: "Bearex abc").isEmpty)
    }

    @Test func procStatIsReadPastACommandNameWithSpacesAndParentheses() {
        // Fields from field 3 on: state ppid pgrp session tty tpgid flags minflt cminflt majflt
        // cmajflt utime(14) stime(15) cutime cstime priority nice threads itrealvalue starttime(22) vsize(23) rss(24)
        let line = "4242 (toolhost) (x y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1000 123456789 2048 18446744073709551615"
        let stat = ProcessStat(stat: line, bootTime: 1_700_000_000, ticksPerSecond: 100, pageSize: 4096)
        #expect(stat?.cpuSeconds == 3)
        #expect(stat?.virtualBytes == 123_456_789)
        #expect(stat?.residentBytes == Double(2048 * 4096))
        #expect(stat?.startTime == 1_700_000_010)
    }
}
