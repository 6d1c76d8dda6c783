import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// `artifact_store`: the router between bulk storage and the vector index (README "Semantic memory"). Each
/// artifact type goes where `database.storage_strategy` says; answers say where it went. What
/// each operation takes is in `artifact_store.yaml` (`operations:`).
///
/// Every operation is a plain `Operation` on a connection of its own: semantic memory decides
/// its own transactions (a batch is stored in one, an embedder's HTTP calls run outside any).
struct ArtifactStoreHandler: OperationHandler {
    let name = "artifact_store"

    var operations: [Operation] {
        [
            Self.memory("store_artifact", .write) { memory, input, tool throws(ToolHostError) in
                let artifact = try ArtifactInput.artifact(input.fields, path: "", tool: tool)
                let stored = try memory.store([artifact], collection: try ArtifactInput.collection(input, forWriting: true))
                return .fields(["artifact_id": .string(artifact.id), "artifact_type": .string(artifact.type),
                                "routed_to": Self.destinations(stored[0].route)])
            },
            Self.memory("store_artifacts", .write) { memory, input, tool throws(ToolHostError) in
                // The schema makes every record an object; a record's fields are checked here.
                let artifacts = try input.array("artifacts").enumerated().map { (entry) throws(ToolHostError) -> Artifact in
                    try ArtifactInput.artifact(entry.element.objectValue ?? [:], path: "/artifacts/\(entry.offset)", tool: tool)
                }
                let stored = try memory.store(artifacts, collection: try ArtifactInput.collection(input, forWriting: true))
                return .fields(["count": .int(stored.count),
                                "stored": .array(stored.map { ["artifact_id": .string($0.artifactID), "routed_to": Self.destinations($0.route)] })])
            },
            Self.memory("find_similar", .readOnly) { memory, input, _ throws(ToolHostError) in try Self.findSimilar(memory, input) },
            Self.memory("get_artifact", .readOnly) { memory, input, _ throws(ToolHostError) in
                let id = try input.string("artifact_id")
                let collection = try ArtifactInput.collection(input)
                guard let (artifact, locations) = try memory.artifact(id, collection: collection) else {
                    throw ToolHostError(.notFound, "No artifact has the id '\(id)'.", details: ["artifact_id": .string(id)])
                }
                let superseding = try memory.supersedingIDs(of: [id], collection: collection)
                return .fields(["artifact": .object(Self.showingSupersession(artifact.document, superseding[id])),
                                "stored_in": .array(locations.map { .string($0) })])
            },
            Self.memory("delete_artifact", .destructive) { memory, input, _ throws(ToolHostError) in
                let id = try input.string("artifact_id")
                let removed = try memory.delete(id, collection: try ArtifactInput.collection(input, forWriting: true))
                guard !removed.isEmpty else {
                    throw ToolHostError(.notFound, "No artifact has the id '\(id)'.", details: ["artifact_id": .string(id)])
                }
                return .fields(["artifact_id": .string(id), "deleted_from": .array(removed.map { .string($0) })])
            },
            Self.memory("stats", .readOnly) { memory, _, _ throws(ToolHostError) in .fields(try memory.stats()) },
            Self.memory("reindex", .write) { memory, input, _ throws(ToolHostError) in
                let result = try memory.reindex(all: try input.optionalBool("all") ?? false)
                return .fields(["reembedded": .int(result.reembedded), "unchanged": .int(result.unchanged),
                                "indexes_rebuilt": .int(result.structuresRebuilt), "embedder": .string(memory.embedder.fingerprint)])
            },
        ]
    }

    /// `top_k`, `min_similarity`, `tag_match` and `ranking` come bounded and defaulted by the schema.
    private static func findSimilar(_ memory: ArtifactMemory, _ input: OperationInput) throws(ToolHostError) -> OperationAnswer {
        let collection = try ArtifactInput.collection(input)
        let matches = try memory.findSimilar(
            try input.string("query"), collection: collection,
            types: ArtifactInput.strings(input, "artifact_type"), tags: ArtifactInput.strings(input, "tags"),
            tagMatch: try input.optionalString("tag_match").flatMap(VectorQuery.TagMatch.init(rawValue:)) ?? .any,
            limit: try input.int("top_k"), minSimilarity: Float(try input.number("min_similarity")),
            ranking: try input.optionalString("ranking").flatMap(SearchRanking.init(rawValue:)) ?? .vectors,
            validity: try ArtifactInput.validity(input))
        let superseding = try memory.supersedingIDs(of: matches.map(\.artifactID), collection: collection)
        return .fields(["count": .int(matches.count), "data": .array(matches.map { Self.describe($0, supersededBy: superseding[$0.artifactID]) })])
    }

    /// A match as answers show it: the artifact with its score first.
    static func describe(_ match: VectorMatch, supersededBy: [String]? = nil) -> JSONValue {
        var object: JSONObject = ["artifact_id": .string(match.artifactID), "score": .double(match.displayedScore)]
        for (key, value) in match.document where key != "artifact_id" { object[key] = value }
        return .object(showingSupersession(object, supersededBy))
    }

    /// The artifact with `superseded_by` (the ids of the artifacts that supersede it) when some
    /// do: an answer shows it only then, so other answers keep their shape.
    static func showingSupersession(_ document: JSONObject, _ supersededBy: [String]?) -> JSONObject {
        guard let supersededBy, !supersededBy.isEmpty else { return document }
        var document = document
        document["superseded_by"] = .array(supersededBy.map { .string($0) })
        return document
    }

    static func destinations(_ route: ArtifactRouting.Route) -> JSONValue {
        .array(route.destinations.map { .string($0) })
    }

    /// Operation `name` of `nature`, given the configured memory on a connection of its own.
    private static func memory(
        _ name: String, _ nature: ToolNature,
        _ body: @escaping @Sendable (ArtifactMemory, OperationInput, String) throws(ToolHostError) -> OperationAnswer
    ) -> Operation {
        Operation(name, nature: nature) { input, context in
            try context.withConnection(setAsideIndexes: nature == .readOnly ? .build : .leave) { (connection) throws(ToolHostError) in
                try body(try context.artifactMemory(on: connection), input, context.tool.id)
            }
        }
    }
}

extension HandlerContext {
    /// Semantic memory as configured, on `connection`.
    func artifactMemory(on connection: any DatabaseConnection) throws(ToolHostError) -> ArtifactMemory {
        try config.artifactMemory(on: connection)
    }
}

extension HostConfig {
    /// Semantic memory as configured, on `connection` (a connection to `database`).
    func artifactMemory(on connection: any DatabaseConnection) throws(ToolHostError) -> ArtifactMemory {
        try ArtifactMemory(connection: connection, settings: memory, scope: memoryScope, vectorFiles: memoryVectorFiles)
    }

    /// Names the database for the vectors a process keeps in memory: two databases' vectors
    /// never mix.
    var memoryScope: String { database.displayName + "|" + database.path }

    /// Where the `sql` vector index keeps its vector files (README "Semantic memory"): beside a
    /// SQLite database file (`toolhost.db-vectors/`, as SQLite keeps `toolhost.db-wal`); for
    /// PostgreSQL in the cache folder (`tools.cache_dir`, `~/.cache/toolhost`), under
    /// `vectors/` and a hash of the server and database. None for an in-memory SQLite database.
    var memoryVectorFiles: String? {
        switch database.kind {
        case .sqlite:
            guard !database.path.isEmpty, database.path != ":memory:", !database.path.hasPrefix("file:") else { return nil }
            return database.path + "-vectors"
        case .postgres:
            let cache = catalogueCache.directory ?? UserDirectories.cache(ProcessEnvironment.current())
            return FilePath.join(FilePath.join(cache, "vectors"), String(SHA256.hex(bytes: Array(database.displayName.utf8)).prefix(16)))
        }
    }
}
