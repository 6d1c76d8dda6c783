/// Cutting a large value down before it is previewed (a recorded call keeps the first
/// `training.max_recorded_bytes` of its input's JSON text).
extension JSONValue {
    /// The value with the elements of its arrays and objects, at any depth, that cannot appear
    /// in the first `limit` bytes of its compact JSON text left out. Those bytes are the whole
    /// value's, and stay so through any change that keeps every string a string and every
    /// element in place (redaction, NUL replacement): what is left out lies past a prefix
    /// whose text is at least `limit` bytes whatever such changes do, counting only what they
    /// cannot shorten (quotes, brackets, colons, commas, and a byte per number or literal).
    /// Whether the text is longer than `limit` is kept too: a cut value is longer. So a
    /// million-record batch is redacted and previewed for the cost of the first few thousand
    /// bytes' worth of its records.
    public func keepingPreview(ofBytes limit: Int) -> JSONValue {
        cut(toBytes: max(limit, 0) + 1).value
    }

    /// The value cut to what the first `budget - 1` bytes of its text can show, and the
    /// fewest bytes the cut value's text can have (at least `budget` when anything was cut).
    private func cut(toBytes budget: Int) -> (value: JSONValue, minimumBytes: Int) {
        switch self {
        case .array(let items):
            var kept: [JSONValue] = []
            // "[", then each element with the "," or "]" after it.
            var bytes = 1
            for item in items {
                guard bytes < budget else { return (.array(kept), max(bytes, 2)) }
                let element = item.cut(toBytes: budget - bytes)
                kept.append(element.value)
                bytes += element.minimumBytes + 1
            }
            return (kept.count == items.count && bytes < budget ? self : .array(kept), max(bytes, 2))
        case .object(let object):
            var kept: [(String, JSONValue)] = []
            // "{", then each member as "\"\":" and its value, with the "," or "}" after it.
            var bytes = 1
            for (key, value) in object {
                guard bytes < budget else { return (.object(JSONObject(kept)), max(bytes, 2)) }
                let member = value.cut(toBytes: budget - bytes - 3)
                kept.append((key, member.value))
                bytes += 3 + member.minimumBytes + 1
            }
            return (kept.count == object.count && bytes < budget ? self : .object(JSONObject(kept)), max(bytes, 2))
        case .string:
            return (self, 2)
        case .null, .bool(true):
            return (self, 4)
        case .bool(false):
            return (self, 5)
        default:
            return (self, 1)
        }
    }
}
