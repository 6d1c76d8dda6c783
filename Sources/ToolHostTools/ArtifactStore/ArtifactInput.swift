import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// Reading artifacts and search parameters out of a call's input, with every violation named
/// by its JSON path, shared by the single and batch operations.
enum ArtifactInput {
    /// The artifact of `record`; `path` prefixes violation paths ("" or "/artifacts/3").
    static func artifact(_ record: JSONObject, path: String, tool: String) throws(ToolHostError) -> Artifact {
        var violations: [Violation] = []
        func text(_ key: String) -> String {
            guard let value = record[key], !value.isNull else { return "" }
            guard let text = value.stringValue else {
                violations.append(Violation(path: "\(path)/\(key)", message: "must be a string, not \(value.kindPhrase)"))
                return ""
            }
            return text
        }
        let type = text("artifact_type")
        if type.isEmpty, violations.isEmpty { violations.append(Violation(path: "\(path)/artifact_type", message: "is required")) }
        if type.count > 100 { violations.append(Violation(path: "\(path)/artifact_type", message: "must be at most 100 characters")) }
        let name = text("name"), description = text("description"), content = text("content")
        if name.isEmpty, description.isEmpty, content.isEmpty {
            violations.append(Violation(path: "\(path)/content", message: "is required when name and description are empty: an artifact needs some text"))
        }
        var id = text("artifact_id")
        if id.count > 255 { violations.append(Violation(path: "\(path)/artifact_id", message: "must be at most 255 characters")) }
        var tags: [String] = []
        if let value = record["tags"], !value.isNull {
            if let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                tags = items.compactMap(\.stringValue)
            } else {
                violations.append(Violation(path: "\(path)/tags", message: "must be an array of strings"))
            }
        }
        var metadata: JSONObject = [:]
        if let value = record["metadata"], !value.isNull {
            if let object = value.objectValue { metadata = object } else {
                violations.append(Violation(path: "\(path)/metadata", message: "must be an object, not \(value.kindPhrase)"))
            }
        }
        var quality: Double?
        if let value = record["quality_score"], !value.isNull {
            if let number = value.numberValue, number.isFinite { quality = number } else {
                violations.append(Violation(path: "\(path)/quality_score", message: "must be a number, not \(value.kindPhrase)"))
            }
        }
        func time(_ key: String) -> Timestamp? {
            guard let value = record[key], !value.isNull else { return nil }
            guard let parsed = value.stringValue.flatMap({ Timestamp(expression: $0) }) else {
                violations.append(Violation(path: "\(path)/\(key)", message: "must be an ISO-8601 timestamp"))
                return nil
            }
            return parsed
        }
        let createdAt = time("created_at") ?? .now()
        let validFrom = time("valid_from"), validTo = time("valid_to")
        if let validTo, validTo <= validFrom ?? createdAt {
            violations.append(Violation(path: "\(path)/valid_to", message: "must be later than valid_from (or created_at when valid_from is not given)"))
        }
        let supersedes = text("supersedes")
        if supersedes.count > 255 { violations.append(Violation(path: "\(path)/supersedes", message: "must be at most 255 characters")) }
        guard violations.isEmpty else { throw .invalidInput(violations, tool: tool) }
        if id.isEmpty { id = Artifact.derivedID(type: type, name: name, content: content) }
        if supersedes == id {
            throw .invalidInput([Violation(path: "\(path)/supersedes", message: "names the artifact itself; an artifact supersedes another one")], tool: tool)
        }
        return Artifact(id: id, type: type, name: name, description: description, content: content, tags: tags,
                        metadata: metadata, qualityScore: quality, createdAt: createdAt, validFrom: validFrom, validTo: validTo,
                        supersedes: supersedes.isEmpty ? nil : supersedes)
    }

    /// Which artifacts a search returns by validity: `as_of` (a time, as `created_at` takes
    /// it), every one with `include_outdated: true`, else those valid now.
    static func validity(_ input: OperationInput) throws(ToolHostError) -> ValidityFilter {
        let includeOutdated = try input.optionalBool("include_outdated") ?? false
        guard let text = try input.optionalString("as_of") else { return includeOutdated ? .everything : .current }
        guard !includeOutdated else {
            throw input.invalid("include_outdated", "cannot be true together with as_of: as_of asks for what was valid at one time")
        }
        guard let time = Timestamp(expression: text) else {
            throw input.invalid("as_of", "must be an ISO-8601 timestamp (2026-11-22T08:20:11Z) or a span before now (7d, 12h)")
        }
        return .validAt(time)
    }

    /// A string or an array of strings (`artifact_type: "plan"` or `["plan", "workflow"]`), as
    /// the schema lets `artifact_type` and `tags` be.
    static func strings(_ input: OperationInput, _ key: String) -> [String] {
        guard let value = input[key] else { return [] }
        return value.stringValue.map { [$0] } ?? value.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The collection named in the input, checked (names are stored and shown; the check stays
    /// here for `training_data_store`, whose schema does not bound the name). `forWriting`
    /// refuses the collection the catalogue is kept in: every search makes it hold exactly the
    /// catalogue, so anything stored there would vanish.
    static func collection(_ input: OperationInput, default fallback: String = ArtifactMemory.defaultCollection,
                           forWriting: Bool = false) throws(ToolHostError) -> String {
        guard let name = try input.optionalString("collection") else { return fallback }
        guard !name.isEmpty, name.count <= 100 else { throw input.invalid("collection", "must be 1 to 100 characters") }
        if forWriting, name == ToolDiscovery.collection {
            throw input.invalid("collection", "'\(name)' holds the tool catalogue (toolhost search keeps it in step with the tool files); store artifacts in another collection")
        }
        return name
    }
}
