import Foundation
import MCP
import ToolHostCore

/// MCP's `Value` and ToolHost's `JSONValue` carry the same JSON; these convert between them
/// member by member (no text round trip).
extension Value {
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .integer(let value): self = Int(exactly: value).map(Value.int) ?? .double(Double(value))
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array(let values): self = .array(values.map(Value.init))
        case .object(let object):
            var members: [String: Value] = [:]
            for (key, value) in object { members[key] = Value(value) }
            self = .object(members)
        }
    }
}

extension JSONValue {
    init(_ value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .integer(Int64(number))
        case .double(let number): self = .double(number)
        case .string(let text): self = .string(text)
        // The SDK reads a string that looks like a data: URL as binary; it was a string.
        case .data(let mimeType, let data):
            self = .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let values): self = .array(values.map(JSONValue.init))
        case .object(let members):
            var object = JSONObject(capacity: members.count)
            for (key, member) in members.sorted(by: { $0.key < $1.key }) { object[key] = JSONValue(member) }
            self = .object(object)
        }
    }
}
