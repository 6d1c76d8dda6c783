/// The `{{...}}` placeholders of a step's `input:` mapping.
///
/// - `{{input.x}}` is the workflow's own input, `{{steps.NAME.output.a.b}}` an earlier step's
///   output (a number segment indexes a list: `chunks.0`), `{{steps.NAME.status}}` its status.
/// - A string that is exactly one placeholder takes the value with its JSON type (a list stays
///   a list); a placeholder inside longer text is written into it (text as is, anything else
///   as compact JSON).
/// - A path that leads nowhere is an error naming the path, never an empty string: a silent
///   blank would hand the next tool wrong input.
public enum WorkflowTemplate {
    /// A placeholder whose path leads nowhere, and why.
    public struct Unresolved: Error, Sendable {
        public let path: String
        public let reason: String
    }

    /// A path named by a placeholder.
    public struct Reference: Sendable {
        public let path: String
        /// The step it reads, for `steps.NAME...`.
        public var stepName: String? {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false)
            return segments.count >= 2 && segments[0] == "steps" ? String(segments[1]) : nil
        }
    }

    /// `value` with every placeholder replaced from `scope` (`{"input": ..., "steps": ...}`).
    public static func resolve(_ value: JSONValue, in scope: JSONObject) throws(Unresolved) -> JSONValue {
        switch value {
        case .string(let text):
            return try resolve(text: text, in: scope)
        case .array(let elements):
            var resolved: [JSONValue] = []
            for element in elements { resolved.append(try resolve(element, in: scope)) }
            return .array(resolved)
        case .object(let object):
            var resolved = JSONObject(capacity: object.count)
            for (key, member) in object { resolved[key] = try resolve(member, in: scope) }
            return .object(resolved)
        default:
            return value
        }
    }

    /// Every placeholder in `value`, for checking at validate time.
    public static func references(in value: JSONValue) -> [Reference] {
        switch value {
        case .string(let text): pieces(of: text).compactMap { if case .placeholder(let path) = $0 { Reference(path: path) } else { nil } }
        case .array(let elements): elements.flatMap { references(in: $0) }
        case .object(let object): object.flatMap { references(in: $0.value) }
        default: []
        }
    }

    private enum Piece: Equatable {
        case text(String)
        case placeholder(String)
    }

    private static func resolve(text: String, in scope: JSONObject) throws(Unresolved) -> JSONValue {
        let parts = pieces(of: text)
        if parts.count == 1, case .placeholder(let path) = parts[0] { return try lookup(path, in: scope) }
        guard parts.contains(where: { if case .placeholder = $0 { true } else { false } }) else { return .string(text) }
        var result = ""
        for part in parts {
            switch part {
            case .text(let literal): result += literal
            case .placeholder(let path):
                let found = try lookup(path, in: scope)
                result += found.stringValue ?? JSONWriter.string(found)
            }
        }
        return .string(result)
    }

    /// Splits text at `{{ path }}` (spaces inside the braces are ignored); an opening `{{`
    /// without its closing `}}` is kept as text.
    private static func pieces(of text: String) -> [Piece] {
        var parts: [Piece] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{"), let close = rest[open.upperBound...].firstRange(of: "}}") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            parts.append(.placeholder(rest[open.upperBound..<close.lowerBound].trimmingSpaces))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return parts
    }

    private static func lookup(_ path: String, in scope: JSONObject) throws(Unresolved) -> JSONValue {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // The roots are the scope's own: `input` and `steps` for a workflow, `item` and `input`
        // for a stream consumer.
        guard let root = segments.first, scope[root] != nil else {
            throw Unresolved(path: path, reason: "a placeholder starts with \(scope.keys.sorted().map { "'\($0).'" }.joined(separator: " or "))")
        }
        var current: JSONValue = .object(scope)
        var walked: [String] = []
        for segment in segments {
            let next: JSONValue?
            switch current {
            case .object(let object): next = object[segment]
            case .array(let elements):
                // Spelled out: `JSONValue` takes `nil` as a literal, so a ternary's `nil` would be JSON null.
                if let index = Int(segment), elements.indices.contains(index) { next = elements[index] } else { next = nil }
            default: next = nil
            }
            guard let next else {
                let at = walked.isEmpty ? "" : " in '\(walked.joined(separator: "."))' (\(current.kindPhrase))"
                throw Unresolved(path: path, reason: "there is no '\(segment)'\(at)")
            }
            walked.append(segment)
            current = next
        }
        return current
    }
}
