import ToolHostCore
import ToolHostNetwork

/// Loads the OpenAPI document of a tool: a file (relative to the tool's folder) or a URL
/// fetched with the HTTP client, through `OpenAPISpecCache`.
///
/// A URL is subject to `network.allowed_hosts` like the calls themselves. When it cannot be
/// fetched but a copy is in the data directory, that copy is used and the caller warned: an
/// API whose documentation server is down is still callable.
struct OpenAPISpecLoader {
    let toolID: String
    let dataDirectory: String
    let network: NetworkSettings
    let maxAgeSeconds: Double
    let timeoutSeconds: Double
    let cancellation: CallCancellation?
    let warn: @Sendable (String) -> Void

    func load(_ source: OpenAPIBlock.SpecSource) throws(ToolHostError) -> OpenAPIDocument {
        switch source {
        case .file(let path): return try loadFile(path)
        case .url(let url): return try loadURL(url)
        }
    }

    private func loadFile(_ path: String) throws(ToolHostError) -> OpenAPIDocument {
        guard let key = OpenAPISpecCache.fileKey(of: path) else {
            throw unavailable("its spec file \(path) does not exist or cannot be read", hint: "check 'openapi.spec_file' (relative to the tool's folder)")
        }
        if let document = OpenAPISpecCache.document(for: path, fileKey: key, maxAge: 0) { return document }
        let root: JSONValue
        if let stored = OpenAPISpecCache.stored(path, in: dataDirectory), stored.fileKey == key {
            root = stored.root
        } else {
            let bytes: [UInt8]
            do { bytes = try FileIO.read(path) } catch {
                throw unavailable("its spec file \(path) cannot be read (\(error.reason))", hint: "check the file's permissions")
            }
            root = try parsed(bytes, source: path)
            OpenAPISpecCache.store(.init(root: root, fileKey: key), for: path, in: dataDirectory)
        }
        let document = try read(root, source: path)
        OpenAPISpecCache.keep(document, for: path, fileKey: key)
        return document
    }

    private func loadURL(_ url: String) throws(ToolHostError) -> OpenAPIDocument {
        if let document = OpenAPISpecCache.document(for: url, fileKey: nil, maxAge: maxAgeSeconds) { return document }
        guard let parts = HTTPURL(url) else {
            throw unavailable("its spec_url \(url) is not an http:// or https:// URL", hint: "fix 'openapi.spec_url'")
        }
        guard network.allows(host: parts.host) else { throw network.refusal(host: parts.host, toolID: toolID) }
        let stored = OpenAPISpecCache.stored(url, in: dataDirectory)
        var headers = [HTTPHeader("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5")]
        if let etag = stored?.etag { headers.append(HTTPHeader("If-None-Match", etag)) }
        if let lastModified = stored?.lastModified { headers.append(HTTPHeader("If-Modified-Since", lastModified)) }
        let response: HTTPResponse
        do {
            response = try HTTPClient.send(HTTPRequest(url: url, headers: headers), timeoutSeconds: timeoutSeconds, cancellation: cancellation)
        } catch {
            if error.kind == .cancelled { throw ToolHostError(.cancelled, "The call of '\(toolID)' was cancelled while its spec was fetched.") }
            guard let stored else { throw unavailable("its spec could not be fetched from \(url): \(error.message)", hint: "check that the server is up") }
            warn("Tool '\(toolID)': its spec could not be fetched from \(url) (\(error.message)); using the copy fetched earlier.")
            return try keep(stored.root, source: url)
        }
        if response.status == 304, let stored {
            return try keep(stored.root, source: url)
        }
        guard (200..<300).contains(response.status) else {
            throw unavailable("fetching its spec from \(url) answered HTTP \(response.status)", hint: "check 'openapi.spec_url'")
        }
        let root = try parsed(response.body, source: url)
        OpenAPISpecCache.store(.init(root: root, etag: response.header("ETag"), lastModified: response.header("Last-Modified")),
                               for: url, in: dataDirectory)
        return try keep(root, source: url)
    }

    private func keep(_ root: JSONValue, source: String) throws(ToolHostError) -> OpenAPIDocument {
        let document = try read(root, source: source)
        OpenAPISpecCache.keep(document, for: source, fileKey: nil)
        return document
    }

    private func parsed(_ bytes: [UInt8], source: String) throws(ToolHostError) -> JSONValue {
        do { return try OpenAPIDocument.root(of: bytes) } catch {
            throw unavailable("its spec \(source) \(error.problem)", hint: "fix the document")
        }
    }

    private func read(_ root: JSONValue, source: String) throws(ToolHostError) -> OpenAPIDocument {
        do { return try OpenAPIDocument.read(root) } catch {
            throw unavailable("its spec \(source) \(error.problem)", hint: nil)
        }
    }

    private func unavailable(_ problem: String, hint: String?) -> ToolHostError {
        ToolHostError(.openAPISpecUnavailable, "Tool '\(toolID)' cannot run: \(problem)\(hint.map { "; \($0)" } ?? "").")
    }
}
