import ToolHostCore

/// What a search filters an index row on, kept beside the row's vector (in memory and in the
/// collection's vector file): everything a `VectorQuery` filter reads, nothing else.
///
/// Rows of a collection share few distinct values (a handful of types and tag sets), so the
/// matrix keeps each distinct value once and a small code per row; a filter is decided once per
/// distinct value, then looked up per row. A new filter adds its field here, to `json`/`init?`
/// (the vector file), to the columns `SQLVectorIndex` reads, and to `VectorQuery.admits`.
struct VectorRowAttributes: Hashable, Sendable {
    var artifactType: String
    var tags: [String]

    /// The form kept in vector files: a JSON object, so a field added later reads as absent
    /// from an older file (which its format version then rejects anyway).
    var json: [UInt8] {
        JSONWriter.bytes(.object(["type": .string(artifactType), "tags": .array(tags.map { .string($0) })]))
    }

    init(artifactType: String, tags: [String]) {
        self.artifactType = artifactType
        self.tags = tags
    }

    init?(json bytes: UnsafeRawBufferPointer) {
        guard let value = try? JSONParser.parse(Array(bytes)), case .object(let object) = value,
              let type = object["type"]?.stringValue, let tags = object["tags"]?.arrayValue else { return nil }
        self.init(artifactType: type, tags: tags.compactMap(\.stringValue))
    }
}

extension VectorQuery {
    /// Whether the query filters rows at all (else every row is a candidate).
    var filtersRows: Bool { !types.isEmpty || !tags.isEmpty }

    /// Whether a row with these attributes is a candidate.
    func admits(_ attributes: VectorRowAttributes) -> Bool {
        admits(type: attributes.artifactType, tags: attributes.tags)
    }
}
