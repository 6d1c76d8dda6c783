import ToolHostCore
import ToolHostStorage

/// An artifact of an agent system: a plan, a function, a bug report... with the
/// text that is embedded and the fields that searches filter on.
public struct Artifact: Sendable, Equatable {
    public var id: String
    public var type: String
    public var name: String
    public var description: String
    public var content: String
    public var tags: [String]
    public var metadata: JSONObject
    public var qualityScore: Double?
    public var createdAt: Timestamp
    /// When the fact it records holds (`ArtifactValidity`): from `validFrom` (its `createdAt`
    /// when not given) until `validTo`, or until an artifact that `supersedes` it starts.
    public var validFrom: Timestamp?
    public var validTo: Timestamp?
    /// The id of the artifact this one replaces.
    public var supersedes: String?

    public init(id: String, type: String, name: String = "", description: String = "", content: String = "",
                tags: [String] = [], metadata: JSONObject = [:], qualityScore: Double? = nil, createdAt: Timestamp = .now(),
                validFrom: Timestamp? = nil, validTo: Timestamp? = nil, supersedes: String? = nil) {
        self.id = id
        self.type = type
        self.name = name
        self.description = description
        self.content = content
        self.tags = tags
        self.metadata = metadata
        self.qualityScore = qualityScore
        self.createdAt = createdAt
        self.validFrom = validFrom
        self.validTo = validTo
        self.supersedes = supersedes
    }

    /// An id derived from what the artifact is: the same type, name and content give the same
    /// id on every machine, so storing it again updates it instead of adding a copy.
    public static func derivedID(type: String, name: String, content: String) -> String {
        "\(type)-" + SHA1.hex("\(type)\u{0}\(name)\u{0}\(content)").prefix(24)
    }

    /// The text an embedder sees: what a person would read to know what the artifact is.
    public var embeddingText: String {
        [name, description, tags.joined(separator: " "), content].filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// Identifies the embedded text: unchanged text needs no new vector.
    public var contentHash: String { SHA1.hex(embeddingText) }

    /// The artifact as answers show it and as the vector index keeps it.
    public var document: JSONObject {
        var object: JSONObject = [
            "artifact_id": .string(id), "artifact_type": .string(type), "name": .string(name),
            "description": .string(description), "content": .string(content), "tags": .array(tags.map { .string($0) }),
            "metadata": .object(metadata),
        ]
        object["quality_score"] = qualityScore.map { .double($0) } ?? .null
        object["created_at"] = .string(createdAt.iso8601)
        // Only when given: an artifact without them answers exactly as before they existed.
        if let validFrom { object["valid_from"] = .string(validFrom.iso8601) }
        if let validTo { object["valid_to"] = .string(validTo.iso8601) }
        if let supersedes { object["supersedes"] = .string(supersedes) }
        return object
    }

    /// Reads back `document` (or a bulk row of the same columns).
    public init?(document: JSONObject) {
        guard let id = document["artifact_id"]?.stringValue, let type = document["artifact_type"]?.stringValue else { return nil }
        self.init(
            id: id, type: type, name: document["name"]?.stringValue ?? "", description: document["description"]?.stringValue ?? "",
            content: document["content"]?.stringValue ?? "", tags: document["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            metadata: document["metadata"]?.objectValue ?? [:], qualityScore: document["quality_score"]?.numberValue,
            createdAt: document["created_at"]?.stringValue.flatMap { Timestamp(expression: $0) } ?? .now(),
            validFrom: document["valid_from"]?.stringValue.flatMap { Timestamp(parsing: $0) },
            validTo: document["valid_to"]?.stringValue.flatMap { Timestamp(parsing: $0) },
            supersedes: document["supersedes"]?.stringValue)
    }
}
