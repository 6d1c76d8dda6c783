import Hummingbird
import ToolHostCore
import ToolHostService

/// `/api/tools`: the catalogue, one tool, and invoking a tool through the same dispatch as
/// `toolhost run`.
struct ToolRoutes {
    let host: ServiceHost

    var routes: [APIRoute] { [list, describe, invoke] }

    private var list: APIRoute {
        APIRoute(.get, "/api/tools", APIOperation(
            id: "list_tools", summary: "The catalogue, as `toolhost list --json` prints it", tags: ["tools"],
            parameters: [.query("type", "Only tools of this type (executable, llm, openapi...)."), .query("tag", "Only tools carrying this tag.")],
            responses: [.json(200, "The tools, by id, and the catalogue's problems.", schema: APISchemas.reference("ToolListing"))]
        )) { [host] request, _ in
            let query = request.uri.queryParameters
            return JSONResponses.json(ToolDescription.listing(host.catalogue.current, type: query["type"].map(String.init),
                                                              tag: query["tag"].map(String.init), handlers: host.invoker.handlers))
        }
    }

    private var describe: APIRoute {
        APIRoute(.get, "/api/tools/{id}", APIOperation(
            id: "describe_tool", summary: "One tool, as `toolhost describe --format json` prints it", tags: ["tools"],
            parameters: [.path("id", "The tool's id.")],
            responses: [.json(200, "The tool: its normalised input schema, how it runs, and the other keys of its YAML.",
                              schema: APISchemas.reference("ToolDescription")),
                        .error(404, "No tool has that id (unknown_tool).")]
        )) { [host] _, context in
            let id = try context.parameters.require("id")
            do throws(ToolHostError) {
                let tool = try host.catalogue.definition(for: id)
                return JSONResponses.json(ToolDescription.full(of: tool, in: host.catalogue.current, handlers: host.invoker.handlers))
            } catch {
                return JSONResponses.error(error, status: JSONResponses.status(of: CallOutcome(error.code)))
            }
        }
    }

    /// One route for the router; in the document, one path per tool with that tool's schema.
    private var invoke: APIRoute {
        APIRoute(.post, "/api/tools/{id}/invoke", Self.invokeOperation(id: "invoke_tool", summary: "Invoke a tool",
                                                                      body: APISchemas.anyJSON, extra: [.path("id", "The tool's id.")]),
                 perTool: { tool in
                     ("/api/tools/\(OpenAPIDocument.pathSegment(tool.id))/invoke",
                      Self.invokeOperation(id: "invoke_" + OpenAPIDocument.componentName(tool.id),
                                           summary: tool.name == tool.id ? "Invoke \(tool.id)" : "Invoke \(tool.id) (\(tool.name))",
                                           description: tool.description, body: NullableOptionals.applied(to: tool.inputSchema)))
                 }) { [host] request, context in
            let id = try context.parameters.require("id")
            let input: JSONValue
            do {
                input = try await RequestBody.json(of: request, limit: host.config.service.maxRequestBytes)
            } catch let failure as HTTPFailure where failure.error.code == .invalidJSON {
                // A call with unreadable input is a call too, as for `toolhost run`.
                return JSONResponses.answer(host.refuse(toolID: id, failure.error), of: host)
            }
            var call = CallRequest(toolID: id, input: input)
            let query = request.uri.queryParameters
            if let text = query["timeout"] {
                guard let seconds = Double(String(text)), seconds > 0, seconds.isFinite else {
                    throw HTTPFailure(.badRequest, .invalidRequest, "The timeout query parameter must be a positive number of seconds, not \"\(text)\".")
                }
                call.timeoutSeconds = seconds
            }
            switch query["envelope"] {
            case nil, "false"?, "0"?: break
            case "true"?, "1"?: call.envelope = true
            case let text?: throw HTTPFailure(.badRequest, .invalidRequest, "The envelope query parameter must be true or false, not \"\(text)\".")
            }
            return JSONResponses.answer(await host.call(call), of: host)
        }
    }

    private static func invokeOperation(id: String, summary: String, description: String? = nil, body: JSONValue,
                                        extra: [APIParameter] = []) -> APIOperation {
        APIOperation(
            id: id, summary: summary,
            description: (description.map { $0 + "\n\n" } ?? "") + "Runs through the dispatch of `toolhost run` (validation, policy, pinning, recording); the answer is what `run` prints.",
            tags: ["invoke"],
            parameters: extra + [
                .query("timeout", "Seconds: shortens the tool's own timeout, never lengthens it.", schema: ["type": "number", "exclusiveMinimum": 0]),
                .query("envelope", "true (or 1): answer with the plugin's whole record (exit_code, output, stderr...).", schema: ["type": "boolean"]),
            ],
            requestBody: APIBody(description: "The tool's input (an empty body is {}).", schema: body, required: false),
            responses: APIResponses.call(success: "The tool's answer, as `toolhost run` prints it.")
        )
    }
}

/// Reading request bodies as JSON, within the size limit.
enum RequestBody {
    /// The body parsed as JSON; an empty body is `{}` (a tool call with no arguments).
    static func json(of request: Request, limit: Int) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: limit)
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isBlankJSONText else { return .object([:]) }
        do {
            return try JSONParser.parse(bytes, options: .request)
        } catch {
            throw HTTPFailure(.badRequest, .invalidJSON, "The request body is not valid JSON: \(error).")
        }
    }

    /// The body as a JSON object (the shape every endpoint but invoke takes).
    static func object(of request: Request, limit: Int) async throws -> JSONObject {
        let value = try await json(of: request, limit: limit)
        guard case .object(let object) = value else {
            throw HTTPFailure(.badRequest, .invalidRequest, "The request body must be a JSON object, not \(value.kindPhrase).")
        }
        return object
    }
}
