import ToolHostCore

/// Replaces every local `$ref` (`#/components/schemas/Pet`) under a part of an OpenAPI document
/// with what it points to, so that operations, parameters and schemas can be read without the
/// document around them.
///
/// A reference to itself (a tree, a linked list) is cut where it loops: the inner occurrence
/// becomes `{}`, which accepts anything, so validation is as strict as it can be without
/// recursing for ever. References outside the document (`other.yaml#/Pet`) and pointers that
/// lead nowhere also become `{}`, counted in `unresolved`: one bad schema must not stop the
/// operations that do not use it.
struct OpenAPIReferences {
    let root: JSONValue
    private var resolved: [String: JSONValue] = [:]
    private(set) var unresolved: [String] = []

    init(root: JSONValue) { self.root = root }

    mutating func resolve(_ value: JSONValue) -> JSONValue {
        var stack: [String] = []
        return resolve(value, stack: &stack, depth: 0)
    }

    private mutating func resolve(_ value: JSONValue, stack: inout [String], depth: Int) -> JSONValue {
        guard depth < 200 else { return [:] }
        switch value {
        case .object(let object):
            if case .string(let reference)? = object["$ref"] {
                var target = target(of: reference, stack: &stack, depth: depth)
                // 3.1 allows siblings of `$ref` (a description, a default): they refine the target.
                if case .object(var merged) = target, object.count > 1 {
                    for (key, sibling) in object where key != "$ref" { merged[key] = resolve(sibling, stack: &stack, depth: depth + 1) }
                    target = .object(merged)
                }
                return target
            }
            var copy = JSONObject(capacity: object.count)
            for (key, member) in object { copy.appendNew(key, resolve(member, stack: &stack, depth: depth + 1)) }
            return .object(copy)
        case .array(let elements):
            return .array(elements.map { resolve($0, stack: &stack, depth: depth + 1) })
        default:
            return value
        }
    }

    private mutating func target(of reference: String, stack: inout [String], depth: Int) -> JSONValue {
        if let known = resolved[reference] { return known }
        guard reference.hasPrefix("#"), !stack.contains(reference), let found = Self.lookUp(reference, in: root) else {
            if !stack.contains(reference), !unresolved.contains(reference) { unresolved.append(reference) }
            return [:]
        }
        stack.append(reference)
        let value = resolve(found, stack: &stack, depth: depth + 1)
        stack.removeLast()
        // Only a result cut by no enclosing loop is the same wherever it is used.
        if stack.isEmpty { resolved[reference] = value }
        return value
    }

    /// The value at a `#/a/b~1c` pointer (RFC 6901, percent-decoded as URI fragments are).
    static func lookUp(_ reference: String, in root: JSONValue) -> JSONValue? {
        let pointer = reference.dropFirst().percentDecoded
        guard !pointer.isEmpty else { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var current = root
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let key = String(token).replacing("~1", with: "/").replacing("~0", with: "~")
            switch current {
            case .object(let object):
                guard let next = object[key] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(key), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}
