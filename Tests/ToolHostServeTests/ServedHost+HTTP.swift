import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ToolHostCore
@testable import ToolHostServe

/// One HTTP exchange with the routes of `toolhost serve --http`, body parsed as JSON.
struct RouteAnswer {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    /// The body as JSON (null when it is not JSON: every answer should be).
    let json: JSONValue
}

extension ServedHost {
    /// Sends one request to the routes and middleware of `HTTPFrontEnd`, in-process (no socket).
    func request(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers: HTTPFields = [:]) async throws -> RouteAnswer {
        let app = Application(router: try HTTPFrontEnd(host: host, listen: nil).router())
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                let json = (try? JSONParser.parse(Array(response.body.readableBytesView))) ?? .null
                return RouteAnswer(status: response.status, headers: response.headers, json: json)
            }
        }
    }
}
