import Synchronization
import ToolHostCore

/// Stream producers' items on Redis Streams (`StreamBroker`): each item is one entry of
/// `<streaming.stream_prefix>:stream:<tool id>` with the fields `tool` and `item` (the item as
/// JSON), trimmed to about `streaming.maxlen` entries; a stream consumer reads any stream key.
///
/// Set on the handler registry by `BuiltinHandlers.registry`: Core has no Redis client.
public struct RedisItemStreams: StreamBroker {
    public init() {}

    public func key(forProducer toolID: String, config: HostConfig) -> String {
        "\(config.streaming.streamPrefix):stream:\(toolID)"
    }

    public func publisher(toolID: String, config: HostConfig) throws(ToolHostError) -> (any StreamItemPublisher)? {
        let settings = config.streaming
        guard settings.isEnabled else { return nil }
        let redis = try Self.connect(settings)
        return RedisItemPublisher(redis: redis, key: key(forProducer: toolID, config: config), toolID: toolID, maxLength: settings.maxLength)
    }

    public func subscribe(key: String, from position: StreamPosition, config: HostConfig) throws(ToolHostError) -> any StreamItemSubscription {
        let redis = try Self.connect(config.streaming)
        do {
            return try RedisItemSubscription(redis: redis, key: key, from: position)
        } catch {
            throw Self.failure(error)
        }
    }

    static func connect(_ settings: StreamingSettings) throws(ToolHostError) -> RedisConnection {
        guard let endpoint = RedisConnection.Endpoint(url: settings.url) else {
            throw ToolHostError(.streamUnavailable, "streaming.url is not a redis:// or unix:// URL: \(settings.url).")
        }
        do {
            return try RedisConnection(endpoint: endpoint, timeoutSeconds: settings.connectTimeoutSeconds)
        } catch {
            throw failure(error)
        }
    }

    static func failure(_ error: RedisError) -> ToolHostError {
        ToolHostError(.streamUnavailable, "\(error.description) (streaming.url).")
    }
}

/// One producer run's connection: XADD per item, in order.
final class RedisItemPublisher: StreamItemPublisher, @unchecked Sendable {
    private let redis: RedisConnection
    private let key: [UInt8]
    private let toolID: [UInt8]
    private let maxLength: [UInt8]

    init(redis: RedisConnection, key: String, toolID: String, maxLength: Int) {
        self.redis = redis
        self.key = Array(key.utf8)
        self.toolID = Array(toolID.utf8)
        self.maxLength = Array(String(maxLength).utf8)
    }

    func publish(_ item: JSONValue) throws(ToolHostError) {
        let arguments: [[UInt8]] = [Array("XADD".utf8), key, Array("MAXLEN".utf8), Array("~".utf8), maxLength, Array("*".utf8),
                                    Array("tool".utf8), toolID, Array("item".utf8), JSONWriter.bytes(item)]
        do {
            try redis.command(arguments)
        } catch {
            throw RedisItemStreams.failure(error)
        }
    }
}

/// Reads one stream with XREAD BLOCK from the last id seen, so nothing published between two
/// reads is missed. An entry's item is its `item` field (a producer's); an entry of the
/// training streams is given whole (`stream`, `id`, `data_type`, `row_id`, `row`); any other
/// entry is its fields as an object.
final class RedisItemSubscription: StreamItemSubscription, @unchecked Sendable {
    private let redis: RedisConnection
    private let key: String
    private let lastID: Mutex<String>

    init(redis: RedisConnection, key: String, from position: StreamPosition) throws(RedisError) {
        self.redis = redis
        self.key = key
        var start = "0-0"
        // "$" as the newest id now, rather than on each read: entries added between two reads
        // are then read too.
        if position == .newOnly, let newest = try redis.command(["XREVRANGE", key, "+", "-", "COUNT", "1"]).elements?.first?.elements?.first?.text {
            start = newest
        }
        lastID = Mutex(start)
    }

    func next(waitSeconds: Double) throws(ToolHostError) -> [JSONValue] {
        let block = max(Int(waitSeconds * 1000), 1)
        let reply: RESPValue
        do {
            reply = try redis.command(["XREAD", "COUNT", "100", "BLOCK", String(block), "STREAMS", key, lastID.withLock { $0 }],
                                      timeoutSeconds: waitSeconds + 5)
        } catch {
            throw RedisItemStreams.failure(error)
        }
        var items: [JSONValue] = []
        for stream in reply.elements ?? [] {
            guard let parts = stream.elements, parts.count == 2 else { continue }
            for entry in parts[1].elements ?? [] {
                guard let pair = entry.elements, pair.count == 2, let id = pair[0].text else { continue }
                let flat = pair[1].elements?.map { $0.text ?? "" } ?? []
                var fields = JSONObject()
                var index = 0
                while index + 1 < flat.count {
                    fields[flat[index]] = .string(flat[index + 1])
                    index += 2
                }
                items.append(Self.item(id: id, key: key, fields: fields))
                lastID.withLock { $0 = id }
            }
        }
        return items
    }

    private static func item(id: String, key: String, fields: JSONObject) -> JSONValue {
        if let text = fields["item"]?.stringValue, let item = try? JSONParser.parse(text) { return item }
        if let row = fields["row"]?.stringValue {
            return ["stream": .string(key), "id": .string(id), "data_type": fields["data_type"] ?? .null,
                    "row_id": fields["row_id"]?.stringValue.flatMap { Int64($0) }.map { .integer($0) } ?? .null,
                    "row": (try? JSONParser.parse(row)) ?? .string(row)]
        }
        return .object(fields)
    }
}
