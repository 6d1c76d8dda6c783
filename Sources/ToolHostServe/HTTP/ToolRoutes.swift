import Hummingbird
import ToolHostCore
import ToolHostService

/// `/api/tools`: the catalogue, one tool, and invoking a tool through the same dispatch as
/// `toolhost run`.
struct ToolRoutes {
    let host: ServiceHost

    func add(to router: Router<BasicRequestContext>) {
        router.get("/api/tools") { request, _ in
            let query = request.uri.queryParameters
            return JSONResponses.json(ToolDescription.listing(host.catalogue.current, type: query["type"].map(String.init),
                                                              tag: query["tag"].map(String.init), handlers: host.invoker.handlers))
        }
        router.get("/api/tools/:id") { _, context in
            let id = try context.parameters.require("id")
            do throws(ToolHostError) {
                let tool = try host.catalogue.definition(for: id)
                return JSONResponses.json(ToolDescription.full(of: tool, in: host.catalogue.current, handlers: host.invoker.handlers))
            } catch {
                return JSONResponses.error(error, status: JSONResponses.status(of: CallOutcome(error.code)))
            }
        }
        router.post("/api/tools/:id/invoke") { request, context in
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
            call.envelope = query["envelope"].map { $0 == "true" || $0 == "1" } ?? false
            return JSONResponses.answer(await host.call(call), of: host)
        }
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
