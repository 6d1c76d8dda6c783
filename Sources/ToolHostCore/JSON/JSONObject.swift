/// A JSON object that remembers the order in which its keys were first set.
///
/// Equality and hashing ignore order, as JSON does; iteration and printing follow it, so an
/// answer reads `{"success": true, "data": ...}` rather than in hash order.
public struct JSONObject: Sendable, Hashable {
    public private(set) var keys: [String] = []
    private var storage: [String: JSONValue] = [:]

    public init() {}

    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Reading returns the member; assigning `nil` removes it; assigning a value to an existing
    /// key replaces it in place (the key keeps its position).
    public subscript(key: String) -> JSONValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public func contains(_ key: String) -> Bool { storage[key] != nil }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool { lhs.storage == rhs.storage }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}

extension JSONObject: Sequence {
    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        var index = keys.startIndex
        return AnyIterator { () -> (key: String, value: JSONValue)? in
            guard index < keys.endIndex else { return nil }
            defer { index += 1 }
            let key = keys[index]
            guard let value = storage[key] else { return nil }
            return (key, value)
        }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
