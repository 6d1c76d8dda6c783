/// Cutting a large value down before it is previewed (a recorded call keeps the first
/// `training.max_recorded_bytes` of its input's JSON text).
extension JSONValue {
    /// The value with every array and object, at any depth, cut to its first `limit + 1`
    /// elements. The first `limit` bytes of its compact JSON text are those of the whole value,
    /// and stay so through any change that keeps each element at least one byte long
    /// (redaction, NUL replacement): the k-th element starts past k bytes of the ones before it.
    /// Whether the text is longer than `limit` is kept too (a cut value has more than `limit`
    /// elements). So a million-record batch is redacted and previewed for the cost of its first
    /// few thousand records.
    public func keepingPreview(ofBytes limit: Int) -> JSONValue {
        let keep = max(limit, 0) + 1
        switch self {
        case .array(let items):
            guard items.count > keep || items.contains(where: \.isContainer) else { return self }
            return .array(items.prefix(keep).map { $0.keepingPreview(ofBytes: limit) })
        case .object(let object):
            guard object.count > keep || object.contains(where: { $0.value.isContainer }) else { return self }
            return .object(JSONObject(object.prefix(keep).map { ($0.key, $0.value.keepingPreview(ofBytes: limit)) }))
        default:
            return self
        }
    }

    private var isContainer: Bool {
        switch self {
        case .array, .object: true
        default: false
        }
    }
}
