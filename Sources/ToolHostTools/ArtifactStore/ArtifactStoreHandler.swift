import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// `artifact_store`: the router between bulk storage and the vector index (README "Semantic memory"). Each
/// artifact type goes where `database.storage_strategy` says; answers say where it went.
struct ArtifactStoreHandler: OperationHandler {
    let name = "artifact_store"

    var operations: [Operation] {
        [
            Operation("store_artifact", summary: "Store (insert or update by id) one artifact where its type is routed",
                      body: Self.memory { memory, input, tool throws(ToolHostError) in
                          let artifact = try ArtifactInput.artifact(input.fields, path: "", tool: tool)
                          let stored = try memory.store([artifact], collection: try ArtifactInput.collection(input, forWriting: true))
                          return ["success": true, "artifact_id": .string(artifact.id), "artifact_type": .string(artifact.type),
                                  "routed_to": Self.destinations(stored[0].route)]
                      }),
            Operation("store_artifacts", summary: "Store many artifacts in one transaction",
                      body: Self.memory { memory, input, tool throws(ToolHostError) in
                          let records = try input.array("artifacts")
                          var artifacts: [Artifact] = []
                          for (position, record) in records.enumerated() {
                              guard let object = record.objectValue else { throw input.invalid("artifacts/\(position)", "must be an object") }
                              artifacts.append(try ArtifactInput.artifact(object, path: "/artifacts/\(position)", tool: tool))
                          }
                          let stored = try memory.store(artifacts, collection: try ArtifactInput.collection(input, forWriting: true))
                          return ["success": true, "count": .int(stored.count),
                                  "stored": .array(stored.map { ["artifact_id": .string($0.artifactID), "routed_to": Self.destinations($0.route)] })]
                      }),
            Operation("find_similar", summary: "Artifacts most like a text, best first, filtered by type and tags",
                      body: Self.memory { memory, input, _ throws(ToolHostError) in try Self.findSimilar(memory, input) }),
            Operation("get_artifact", summary: "One artifact by id, from wherever it is stored",
                      body: Self.memory { memory, input, _ throws(ToolHostError) in
                          let id = try input.string("artifact_id")
                          guard let (artifact, locations) = try memory.artifact(id, collection: try ArtifactInput.collection(input)) else {
                              throw ToolHostError(.notFound, "No artifact has the id '\(id)'.", details: ["artifact_id": .string(id)])
                          }
                          return ["success": true, "artifact": .object(artifact.document), "stored_in": .array(locations.map { .string($0) })]
                      }),
            Operation("delete_artifact", summary: "Delete an artifact from bulk storage and the index",
                      body: Self.memory { memory, input, _ throws(ToolHostError) in
                          let id = try input.string("artifact_id")
                          let removed = try memory.delete(id, collection: try ArtifactInput.collection(input, forWriting: true))
                          guard !removed.isEmpty else {
                              throw ToolHostError(.notFound, "No artifact has the id '\(id)'.", details: ["artifact_id": .string(id)])
                          }
                          return ["success": true, "artifact_id": .string(id), "deleted_from": .array(removed.map { .string($0) })]
                      }),
            Operation("stats", summary: "Counts per store, collection, type and embedder; stale entries",
                      body: Self.memory { memory, _, _ throws(ToolHostError) in
                          var answer: JSONObject = ["success": true]
                          for (key, value) in try memory.stats() { answer[key] = value }
                          return .object(answer)
                      }),
            Operation("reindex", summary: "Embed again every entry another embedder made (all: true for every entry); rebuild HNSW indexes whose settings changed",
                      body: Self.memory { memory, input, _ throws(ToolHostError) in
                          let result = try memory.reindex(all: try input.optionalBool("all") ?? false)
                          return ["success": true, "reembedded": .int(result.reembedded), "unchanged": .int(result.unchanged),
                                  "indexes_rebuilt": .int(result.structuresRebuilt), "embedder": .string(memory.embedder.fingerprint)]
                      }),
        ]
    }

    private static func findSimilar(_ memory: ArtifactMemory, _ input: OperationInput) throws(ToolHostError) -> JSONValue {
        let text = try input.string("query")
        let limit = try input.optionalInt("top_k") ?? 5
        guard (1...1000).contains(limit) else { throw input.invalid("top_k", "must be between 1 and 1000") }
        let minimum = try input.optionalNumber("min_similarity") ?? 0
        guard (-1...1).contains(minimum) else { throw input.invalid("min_similarity", "must be between -1 and 1") }
        let match: VectorQuery.TagMatch
        switch try input.optionalString("tag_match") ?? "any" {
        case "any": match = .any
        case "all": match = .all
        default: throw input.invalid("tag_match", "must be any or all")
        }
        let matches = try memory.findSimilar(text, collection: try ArtifactInput.collection(input),
                                             types: try ArtifactInput.strings(input, "artifact_type"), tags: try ArtifactInput.strings(input, "tags"),
                                             tagMatch: match, limit: limit, minSimilarity: Float(minimum))
        return ["success": true, "count": .int(matches.count), "data": .array(matches.map(Self.describe))]
    }

    /// A match as answers show it: the artifact with its score first.
    static func describe(_ match: VectorMatch) -> JSONValue {
        var object: JSONObject = ["artifact_id": .string(match.artifactID), "score": .double(match.displayedScore)]
        for (key, value) in match.document where key != "artifact_id" { object[key] = value }
        return .object(object)
    }

    static func destinations(_ route: ArtifactRouting.Route) -> JSONValue {
        .array(route.destinations.map { .string($0) })
    }

    /// An operation given the configured memory on a connection of its own.
    private static func memory(_ body: @escaping @Sendable (ArtifactMemory, OperationInput, String) throws(ToolHostError) -> JSONValue) -> Operation.LegacyBody {
        { input, context throws(ToolHostError) in
            try context.withConnection { (connection) throws(ToolHostError) in
                try body(try context.artifactMemory(on: connection), input, context.tool.id)
            }
        }
    }
}

extension HandlerContext {
    /// Semantic memory as configured, on `connection`.
    func artifactMemory(on connection: any DatabaseConnection) throws(ToolHostError) -> ArtifactMemory {
        try ArtifactMemory(connection: connection, settings: config.memory, scope: config.memoryScope)
    }
}

extension HostConfig {
    /// Names the database for the vectors a process keeps in memory: two databases' vectors
    /// never mix.
    var memoryScope: String { database.displayName + "|" + database.path }
}
