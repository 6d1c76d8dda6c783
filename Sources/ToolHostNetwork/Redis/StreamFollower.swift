import ToolHostCore

/// Follows the training-data streams (`toolhost tail`): reads new entries with XREAD BLOCK,
/// remembering per stream the last id seen, so nothing published between two reads is
/// missed.
public struct StreamFollower {
    /// One stream entry as published by `StreamOutbox`.
    public struct Entry: Sendable {
        public var stream: String
        public var id: String
        public var dataType: String
        public var rowID: Int64?
        public var row: JSONValue

        public var json: JSONValue {
            ["stream": .string(stream), "id": .string(id), "data_type": .string(dataType),
             "row_id": rowID.map { .integer($0) } ?? .null, "row": row]
        }
    }

    private let redis: RedisConnection
    /// Per stream, the last id seen: hand them to a new follower after a reconnect, so that
    /// nothing published in between is skipped.
    public private(set) var positions: [(key: String, lastID: String)]

    /// Starts after the streams' current ends, or at their beginning with `fromStart`.
    public init(redis: RedisConnection, keys: [String], fromStart: Bool) throws(RedisError) {
        self.redis = redis
        positions = []
        for key in keys {
            var lastID = "0-0"
            if !fromStart, let newest = try redis.command(["XREVRANGE", key, "+", "-", "COUNT", "1"]).elements?.first?.elements?.first?.text {
                lastID = newest
            }
            positions.append((key, lastID))
        }
    }

    /// Goes on from `positions` (a previous follower's).
    public init(redis: RedisConnection, resumingFrom positions: [(key: String, lastID: String)]) {
        self.redis = redis
        self.positions = positions
    }

    /// The next entries, waiting up to `blockSeconds` (0: for ever); empty when none came.
    public mutating func next(blockSeconds: Double, count: Int = 100) throws(RedisError) -> [Entry] {
        let block = blockSeconds > 0 ? max(Int(blockSeconds * 1000), 1) : 0
        let arguments = ["XREAD", "COUNT", String(count), "BLOCK", String(block), "STREAMS"] + positions.map(\.key) + positions.map(\.lastID)
        // The socket waits a little longer than Redis blocks, or for ever when Redis does.
        let reply = try redis.command(arguments, timeoutSeconds: block == 0 ? 0 : blockSeconds + 5)
        var entries: [Entry] = []
        for stream in reply.elements ?? [] {
            guard let parts = stream.elements, parts.count == 2, let key = parts[0].text else { continue }
            for item in parts[1].elements ?? [] {
                guard let pair = item.elements, pair.count == 2, let id = pair[0].text else { continue }
                let fields = pair[1].elements?.map { $0.text ?? "" } ?? []
                var values: [String: String] = [:]
                var index = 0
                while index + 1 < fields.count {
                    values[fields[index]] = fields[index + 1]
                    index += 2
                }
                let row = values["row"].flatMap { try? JSONParser.parse($0) } ?? .null
                entries.append(Entry(stream: key, id: id, dataType: values["data_type"] ?? "", rowID: values["row_id"].flatMap { Int64($0) },
                                     row: row))
                if let position = positions.firstIndex(where: { $0.key == key }) { positions[position].lastID = id }
            }
        }
        return entries
    }
}
