import Foundation
import Hummingbird
import ToolHostCore
import ToolHostService
import ToolHostStorage
import ToolHostTools

/// The dashboard of `serve --http`: HTML views at `/` and under `/ui/`, on both engines, behind
/// the same token as the API. A browser cannot send a bearer header, so with a token configured
/// `/ui/login` takes it once in a form and keeps it in a cookie (`toolhost_token`, HttpOnly,
/// SameSite=Strict) that the views — and only the views, and only to read — accept instead.
struct DashboardRoutes {
    let host: ServiceHost

    static let cookieName = "toolhost_token"

    var routes: [APIRoute] {
        [view("/", id: "dashboard_overview", summary: "Dashboard: calls over time, failures and latency per tool, latest errors") { (pages, _) throws(DatabaseError) in
            try pages.overview()
         },
         callsView,
         callView, view("/ui/training", id: "dashboard_training", summary: "Dashboard: training data by kind, conversation quality, exported or not") { (pages, _) throws(DatabaseError) in
             try pages.training()
         },
         view("/ui/prompts", id: "dashboard_prompts", summary: "Dashboard: reward per day per corpus and task, the current populations and lineage") { (pages, _) throws(DatabaseError) in
             try pages.prompts()
         },
         view("/ui/tools", id: "dashboard_tools", summary: "Dashboard: generated tools, newest first, with their YAML") { (pages, _) throws(DatabaseError) in
             try pages.generatedTools()
         },
         loginForm, login]
    }

    /// The run browser: its filters from the query (empty values are "any"); a value it cannot
    /// read is a 400 page that says which.
    private var callsView: APIRoute {
        APIRoute(.get, "/ui/calls", APIOperation(
            id: "dashboard_calls", summary: "Dashboard: the run browser, newest first, by tool, agent and outcome", tags: ["dashboard"],
            parameters: [.query("tool", "Only calls of this tool."), .query("agent", "Only calls of this agent."),
                         .query("outcome", "ok or failed (empty: both).", schema: ["type": "string", "enum": ["", "ok", "failed"]]),
                         .query("before", "Only calls recorded before this time, ISO-8601 (the next page).")],
            responses: [Self.html(200, "The calls."), Self.html(400, "A filter that cannot be read."), Self.html(503, "The database does not answer.")]
        )) { [host] request, _ in
            switch Self.filter(request) {
            case .failure(let problem):
                return Self.answer(400, HTMLText.page(title: "Calls", current: "/ui/calls", body: "<p class=\"failed\">\(HTMLText.escape(problem.message))</p>"))
            case .success(let filter):
                return await Self.render(host) { pages throws(DatabaseError) in (200, try pages.calls(filter)) }
            }
        }
    }

    struct FilterProblem: Error {
        let message: String
    }

    /// The filter of the run browser's query.
    static func filter(_ request: Request) -> Result<DashboardData.CallFilter, FilterProblem> {
        let query = request.uri.queryParameters
        // PostgreSQL refuses a NUL in text: no tool or agent has one.
        if let name = ["tool", "agent"].first(where: { query[$0]?.contains("\u{0}") == true }) {
            return .failure(FilterProblem(message: "\(name) must not contain a NUL character."))
        }
        var filter = DashboardData.CallFilter()
        filter.tool = query["tool"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        filter.agent = query["agent"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        switch query["outcome"].map(String.init) {
        case "ok"?: filter.succeeded = true
        case "failed"?: filter.succeeded = false
        case nil, ""?: break
        case let other?: return .failure(FilterProblem(message: "outcome is ok or failed (or empty for both), not \"\(other)\"."))
        }
        if let before = query["before"].map(String.init), !before.isEmpty {
            guard let time = Timestamp(parsing: before) else {
                return .failure(FilterProblem(message: "before is a time such as 2026-12-04T10:00:00Z, not \"\(before)\"."))
            }
            filter.before = time
        }
        return .success(filter)
    }

    private var callView: APIRoute {
        APIRoute(.get, "/ui/calls/{id}", APIOperation(
            id: "dashboard_call", summary: "Dashboard: one call in full (input, output, duration, exit, who called)", tags: ["dashboard"],
            parameters: [.path("id", "The call's row id.", schema: ["type": "integer", "minimum": 1])],
            responses: [Self.html(200, "The call."), Self.html(404, "No call has that id."), Self.html(503, "The database does not answer.")]
        )) { [host] _, context in
            let text = try context.parameters.require("id")
            guard let id = Int64(text), id > 0 else { return Self.answer(404, Self.notFound("No call has the id \(text).")) }
            return await Self.render(host) { pages throws(DatabaseError) in
                try pages.call(id: id).map { (200, $0) } ?? (404, Self.notFound("No call has the id \(id)."))
            }
        }
    }

    private func view(_ path: String, id: String, summary: String, parameters: [APIParameter] = [],
                      _ draw: @escaping @Sendable (DashboardPages, Request) throws(DatabaseError) -> String) -> APIRoute {
        APIRoute(.get, path, APIOperation(
            id: id, summary: summary, tags: ["dashboard"], parameters: parameters,
            responses: [Self.html(200, "The view (HTML, charts as inline SVG)."), Self.html(503, "The database does not answer.")]
        )) { [host] request, _ in
            await Self.render(host) { pages throws(DatabaseError) in (200, try draw(pages, request)) }
        }
    }

    /// Reads on a worker thread (the database calls block); a database that does not answer is
    /// a page that says so, with 503.
    private static func render(_ host: ServiceHost,
                               _ draw: @escaping @Sendable (DashboardPages) throws(DatabaseError) -> (Int, String)) async -> Response {
        let result: Result<(Int, String), ToolHostError> = await host.runBlocking {
            do throws(ToolHostError) {
                return .success(try Database.shared(for: host.config.database).withDatabaseConnection { (connection) throws(DatabaseError) in
                    try draw(DashboardPages(data: DashboardData(connection: connection), now: Timestamp.now()))
                })
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let (status, html)): return answer(status, html)
        case .failure(let error):
            return answer(503, HTMLText.page(title: "The database does not answer", current: "",
                                             body: "<p class=\"failed\">\(HTMLText.escape(error.message))</p>"))
        }
    }

    private static func notFound(_ message: String) -> String {
        HTMLText.page(title: "Not found", current: "", body: "<p>\(HTMLText.escape(message))</p>")
    }

    static func answer(_ status: Int, _ html: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    private static func html(_ status: Int, _ description: String) -> APIResponse {
        APIResponse(status: status, description: description, content: [("text/html", ["type": "string"])])
    }

    // MARK: Login

    private var loginForm: APIRoute {
        APIRoute(.get, "/ui/login", APIOperation(
            id: "dashboard_login_form", summary: "Dashboard: the form that takes the token once (open)", tags: ["dashboard"],
            responses: [Self.html(200, "The form.")], isOpen: true
        )) { _, _ in
            Self.answer(200, Self.loginPage(message: nil))
        }
    }

    private var login: APIRoute {
        APIRoute(.post, "/ui/login", APIOperation(
            id: "dashboard_login", summary: "Dashboard: checks the token and keeps it in an HttpOnly cookie for the views (open)", tags: ["dashboard"],
            requestBody: APIBody(description: "token=<the service token>", schema: ["type": "object", "properties": ["token": ["type": "string"]]],
                                 required: true, mediaType: "application/x-www-form-urlencoded"),
            responses: [APIResponse(status: 303, description: "The token is right: on to the dashboard, with the cookie.", content: []),
                        Self.html(401, "The token is wrong.")],
            isOpen: true
        )) { [host] request, _ in
            let body = try await request.body.collect(upTo: 16 * 1024)
            let form = URLComponents(string: "?" + String(buffer: body))?.queryItems ?? []
            let presented = form.first { $0.name == "token" }?.value ?? ""
            guard let token = host.config.service.authToken,
                  BearerAuthMiddleware<BasicRequestContext>.constantTimeEquals(Array(presented.utf8), Array(token.utf8)) else {
                return Self.answer(401, Self.loginPage(message: "That is not the service's token."))
            }
            let cookie = "\(Self.cookieName)=\(presented.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""); Path=/; HttpOnly; SameSite=Strict"
            return Response(status: .seeOther, headers: [.location: "/", .setCookie: cookie, .cacheControl: "no-store"])
        }
    }

    private static func loginPage(message: String?) -> String {
        HTMLText.page(title: "Sign in", current: "", body: (message.map { "<p class=\"failed\">\(HTMLText.escape($0))</p>" } ?? "")
            + "<form method=\"post\" action=\"/ui/login\"><label>Service token <input type=\"password\" name=\"token\" autocomplete=\"current-password\"></label> "
            + "<button type=\"submit\">Sign in</button></form>")
    }

    /// The token a view request carries in its cookie ("" when none).
    static func cookieToken(_ request: Request) -> [UInt8] {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0] == cookieName else { continue }
                return Array((String(parts[1]).removingPercentEncoding ?? "").utf8)
            }
        }
        return []
    }

    /// Whether a request may use the cookie instead of the header: reading a view.
    static func isView(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let path = request.uri.path
        return path == "/" || path.hasPrefix("/ui/")
    }
}
