/// What an operation answers; the mechanism (`OperationHandler`) writes the envelope around
/// it, once, so no operation types `"success": true` itself.
///
/// ```swift
/// return .rows(rows)                               // {"success": true, "data": [...], "count": 2}
/// return .stored(id: 7)                            // {"success": true, "count": 1, "data": [{"id": 7}]}
/// return .affected(3)                              // {"success": true, "count": 3}
/// return .fields(["profile_id": "p1", "version": 2])  // {"success": true, "profile_id": "p1", "version": 2}
/// ```
/// The members keep the order given: code-evolver's parsers do not care, but people reading
/// answers and the golden tests that pin them do.
public enum OperationAnswer: Sendable {
    /// Rows read: `data` and their `count`.
    case rows([JSONValue])
    /// One record stored: `count` 1 and its `id` in `data`.
    case stored(id: JSONValue)
    /// Records written or changed: their `count`.
    case affected(Int)
    /// Any other answer: these members after `success`.
    case fields(JSONObject)

    /// The answer as it is printed: `{"success": true, ...}`.
    public var json: JSONValue {
        var object: JSONObject = ["success": true]
        switch self {
        case .rows(let rows):
            object["data"] = .array(rows)
            object["count"] = .int(rows.count)
        case .stored(let id):
            object["count"] = 1
            object["data"] = [["id": id]]
        case .affected(let count):
            object["count"] = .int(count)
        case .fields(let fields):
            for (key, value) in fields where key != "success" { object[key] = value }
        }
        return .object(object)
    }
}
