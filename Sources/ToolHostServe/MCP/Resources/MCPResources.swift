import Foundation
import MCP
import ToolHostCore
import ToolHostService
import ToolHostTools

/// MCP resources: what ToolHost stores, for a client to read when it needs it instead of
/// receiving big results inline in a call's answer.
///
/// - `toolhost://artifacts/{id}`: an artifact of `artifact_store` (the JSON `get` answers).
/// - `toolhost://tools/{id}`: a tool registered through `tools_manager` (its YAML, then its
///   code and other files of its folder in `tools.generated_path`).
/// - `toolhost://exports/{name}`: a finished export file in `files.export_dir`.
///
/// `resources/list` pages through them (artifacts, then tools, then exports; each newest
/// first; `pageSize` per page). Reads run on the host's worker threads, read only, and are
/// capped at `files.resource_read_max_bytes`.
struct MCPResources: Sendable {
    let host: ServiceHost
    var pageSize = 100

    static let templates: [Resource.Template] = [
        .init(uriTemplate: "toolhost://artifacts/{id}", name: "artifact", title: "Stored artifact",
              description: "An artifact of artifact_store: its content, metadata, tags and where it is stored.", mimeType: "application/json"),
        .init(uriTemplate: "toolhost://tools/{id}", name: "tool", title: "Generated tool",
              description: "A tool registered through tools_manager: its YAML definition and its code file.", mimeType: "application/yaml"),
        .init(uriTemplate: "toolhost://exports/{name}", name: "export", title: "Finished export",
              description: "A complete export file in files.export_dir (JSONL, CSV...); partial files are never served."),
    ]

    /// Declares the handlers on `server` (whose capabilities include `resources`).
    /// Each request in its span (`spans`).
    func register(on server: Server, spans: MCPRequestSpan) async {
        let resources = self
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: Self.templates)
        }
        await server.withMethodHandler(ListResources.self) { parameters in
            try await spans.serve("resources/list") {
                try await resources.blocking { () throws(ToolHostError) in try resources.list(cursor: parameters.cursor) }
            }
        }
        await server.withMethodHandler(ReadResource.self) { parameters in
            try await spans.serve("resources/read", target: parameters.uri) {
                try await resources.blocking { () throws(ToolHostError) in try resources.read(parameters.uri) }
            }
        }
    }

    /// Runs on a worker thread like a call; ToolHost errors become the MCP error they mean.
    private func blocking<T: Sendable>(_ work: @escaping @Sendable () throws(ToolHostError) -> T) async throws -> T {
        let outcome = await host.runBlocking { () -> Result<T, ToolHostError> in
            do throws(ToolHostError) { return .success(try work()) } catch { return .failure(error) }
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let error): throw error.mcpResourceError
        }
    }

    // MARK: Listing

    /// The cursor is `KIND:OFFSET`, the next entry to list.
    func list(cursor: String?) throws(ToolHostError) -> ListResources.Result {
        var kind = MCPResourceURI.Kind.artifacts
        var offset = 0
        if let cursor {
            let parts = cursor.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let given = MCPResourceURI.Kind(rawValue: parts[0]), let number = Int(parts[1]), number >= 0 else {
                throw ToolHostError.invalidInput([Violation(path: "/cursor", message: "is not a cursor of resources/list; pass back the nextCursor of the previous page")])
            }
            (kind, offset) = (given, number)
        }
        while true {
            let page = try entries(of: kind, offset: offset, limit: pageSize + 1)
            let kinds = MCPResourceURI.Kind.allCases
            if page.count > pageSize {
                return ListResources.Result(resources: Array(page.prefix(pageSize)), nextCursor: "\(kind.rawValue):\(offset + pageSize)")
            }
            guard let position = kinds.firstIndex(of: kind), position + 1 < kinds.count else {
                return ListResources.Result(resources: page, nextCursor: nil)
            }
            let next = kinds[position + 1]
            if !page.isEmpty { return ListResources.Result(resources: page, nextCursor: "\(next.rawValue):0") }
            (kind, offset) = (next, 0)
        }
    }

    private func entries(of kind: MCPResourceURI.Kind, offset: Int, limit: Int) throws(ToolHostError) -> [Resource] {
        switch kind {
        case .artifacts:
            return try ArtifactReader(config: host.config).recent(offset: offset, limit: limit).compactMap { document in
                guard let id = document["artifact_id"]?.stringValue else { return nil }
                let name = document["name"]?.stringValue ?? ""
                return Resource(name: name.isEmpty ? id : name, uri: MCPResourceURI(kind: .artifacts, id: id).string,
                                description: Self.artifactDescription(document), mimeType: "application/json")
            }
        case .tools:
            return Array(files(.tools).tools().dropFirst(offset).prefix(limit)).map { entry in
                Resource(name: entry.name, uri: MCPResourceURI(kind: .tools, id: entry.name).string,
                         description: "Generated tool \(entry.name): its YAML and code.", mimeType: "application/yaml", size: entry.size)
            }
        case .exports:
            return Array(files(.exports).exports().dropFirst(offset).prefix(limit)).map { entry in
                Resource(name: entry.name, uri: MCPResourceURI(kind: .exports, id: entry.name).string,
                         description: "Export \(entry.name).", mimeType: MCPResourceFiles.mimeType(of: entry.name), size: entry.size)
            }
        }
    }

    private static func artifactDescription(_ document: JSONObject) -> String {
        let type = document["artifact_type"]?.stringValue ?? "artifact"
        let description = document["description"]?.stringValue ?? ""
        return description.isEmpty ? "A \(type) artifact." : "\(type): \(description)"
    }

    // MARK: Reading

    func read(_ uri: String) throws(ToolHostError) -> ReadResource.Result {
        let resource = try MCPResourceURI(parsing: uri)
        let maxBytes = host.config.files.resourceReadMaxBytes
        switch resource.kind {
        case .artifacts:
            guard let document = try ArtifactReader(config: host.config).artifact(resource.id) else {
                throw ToolHostError(.resourceNotFound, "No artifact '\(resource.id)' is stored: artifact_store search or resources/list show the ids.")
            }
            let text = JSONWriter.string(.object(document))
            guard text.utf8.count <= maxBytes else {
                throw ToolHostError(.resourceTooLarge, "The artifact '\(resource.id)' is \(text.utf8.count) bytes as JSON, more than files.resource_read_max_bytes (\(maxBytes)): read it with artifact_store get or raise the limit.")
            }
            return ReadResource.Result(contents: [.text(text, uri: resource.string, mimeType: "application/json")])
        case .tools:
            let folder = files(.tools)
            let contents = try folder.toolFiles(resource.id).map { (file) throws(ToolHostError) -> Resource.Content in
                let uri = file.name == "\(resource.id).yaml" ? resource.string : resource.string + "/" + file.name
                return Self.content(try folder.contents(of: file.path), uri: uri, mimeType: MCPResourceFiles.mimeType(of: file.name))
            }
            return ReadResource.Result(contents: contents)
        case .exports:
            let folder = files(.exports)
            let path = try folder.export(resource.id)
            return ReadResource.Result(contents: [Self.content(try folder.contents(of: path), uri: resource.string, mimeType: MCPResourceFiles.mimeType(of: resource.id))])
        }
    }

    private func files(_ kind: MCPResourceURI.Kind) -> MCPResourceFiles {
        let folder = kind == .tools ? host.config.generatedToolsPath : host.config.files.exportDirectory
        return MCPResourceFiles(folder: folder, maxBytes: host.config.files.resourceReadMaxBytes)
    }

    /// Text when the bytes are UTF-8, else base64 (`blob`).
    private static func content(_ bytes: [UInt8], uri: String, mimeType: String) -> Resource.Content {
        if let text = String(validating: bytes, as: UTF8.self) { return .text(text, uri: uri, mimeType: mimeType) }
        return .binary(Data(bytes), uri: uri, mimeType: mimeType)
    }
}
