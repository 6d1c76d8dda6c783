/// A JSON object that remembers the order in which its keys were first set.
///
/// Equality and hashing ignore order, as JSON does; iteration and printing follow it, so an
/// answer reads `{"success": true, "data": ...}` rather than in hash order.
///
/// Members live in one array in order. Most objects are small (a log record, a schema
/// keyword set, a database row of a few dozen columns), and a linear search of their keys
/// beats hashing; a key index is built only once an object grows past `indexThreshold`
/// members. (At 16, every row of `messages` — 20 columns — built an index it used a few
/// times: a third of an openai-chat export's time.)
public struct JSONObject: Sendable {
    private var members: [(key: String, value: JSONValue)] = []
    private var index: [String: Int]?

    private static let indexThreshold = 32

    public init() {}

    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        for (key, value) in pairs { self[key] = value }
    }

    /// An empty object with room for `capacity` members (a database row's columns).
    public init(capacity: Int) {
        members.reserveCapacity(capacity)
    }

    /// Appends a member whose key the caller knows is not there yet (result columns whose
    /// names were checked distinct once per query), skipping the lookup a subscript makes.
    public mutating func appendNew(_ key: String, _ value: JSONValue) {
        members.append((key, value))
        if index != nil {
            index?[key] = members.count - 1
        } else if members.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    /// Reading returns the member; assigning `nil` removes it; assigning a value to an existing
    /// key replaces it in place (the key keeps its position).
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let position = position(of: key) {
                if let newValue {
                    members[position].value = newValue
                } else {
                    members.remove(at: position)
                    if index != nil { rebuildIndex() }
                }
            } else if let newValue {
                members.append((key, newValue))
                if index != nil {
                    index?[key] = members.count - 1
                } else if members.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    private mutating func rebuildIndex() {
        var rebuilt: [String: Int] = [:]
        rebuilt.reserveCapacity(members.count)
        for (position, member) in members.enumerated() { rebuilt[member.key] = position }
        index = rebuilt
    }
}

extension JSONObject: Hashable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }

    /// Order-independent: the sum of the members' own hashes.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined = combined &+ memberHasher.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension JSONObject: Sequence {
    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        members.makeIterator()
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
