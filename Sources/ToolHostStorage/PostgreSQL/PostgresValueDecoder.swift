import ToolHostCore

/// Turns PostgreSQL's text-format values into JSON by column type (OID): numbers as numbers,
/// json/jsonb as nested JSON, timestamps as ISO-8601 UTC, bytea as base64, arrays as arrays,
/// intervals in ISO-8601 (the session sets IntervalStyle), anything else as text.
enum PostgresValueDecoder {
    static func decode(_ text: String, type: UInt32) -> JSONValue {
        switch type {
        case 16: return .bool(text == "t")
        case 20, 21, 23, 26: return Int64(text).map(JSONValue.integer) ?? .string(text)
        case 700, 701: return Double(text).flatMap { $0.isFinite ? .double($0) : nil } ?? .null
        case 1700: return numeric(text)
        case 114, 3802: return (try? JSONParser.parse(text)) ?? .string(text)
        case 1114, 1184: return Timestamp(parsing: text).map { .string($0.iso8601) } ?? .string(text)
        case 17: return .string(Base64.encode(byteaBytes(text)))
        default:
            if let element = arrayElementType[type] {
                return PostgresArrayParser.parse(text).map { decodeArray($0, element: element) } ?? .string(text)
            }
            return .string(text)
        }
    }

    /// numeric: exact as an integer when it is one that fits, else the nearest double.
    static func numeric(_ text: String) -> JSONValue {
        if !text.utf8.contains(UInt8(ascii: ".")), !text.utf8.contains(UInt8(ascii: "e")), !text.utf8.contains(UInt8(ascii: "E")), let integer = Int64(text) { return .integer(integer) }
        if let double = Double(text), double.isFinite {
            if double.rounded() == double, let integer = Int64(exactly: double), !text.utf8.contains(UInt8(ascii: "e")) { return .integer(integer) }
            return .double(double)
        }
        return text == "NaN" ? .null : .string(text)
    }

    /// bytea's hex output (`\x0a1b`) as bytes.
    static func byteaBytes(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x") else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count - 2) / 2)
        var index = 2
        while index + 1 < bytes.count {
            guard let high = hex(bytes[index]), let low = hex(bytes[index + 1]) else { break }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func decodeArray(_ element: PostgresArrayParser.Element, element type: UInt32) -> JSONValue {
        switch element {
        case .null: .null
        case .value(let text): decode(text, type: type)
        case .array(let elements): .array(elements.map { decodeArray($0, element: type) })
        }
    }

    /// Array type OID → element type OID, for the array types users meet.
    static let arrayElementType: [UInt32: UInt32] = [
        1000: 16, 1005: 21, 1007: 23, 1016: 20, 1021: 700, 1022: 701, 1231: 1700, 1009: 25, 1015: 1043,
        1014: 1042, 199: 114, 3807: 3802, 2951: 2950, 1115: 1114, 1185: 1184, 1182: 1082, 1001: 17, 1187: 1186,
        1028: 26,
    ]
}

/// Parses PostgreSQL's array literal text (`{1,2,NULL,"a,b",{3}}`).
enum PostgresArrayParser {
    indirect enum Element: Equatable {
        case null
        case value(String)
        case array([Element])
    }

    static func parse(_ text: String) -> Element? {
        var bytes = Array(text.utf8)[...]
        // Optional dimension decoration: [1:2]={...}
        if bytes.first == UInt8(ascii: "["), let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
            bytes = bytes[(equals + 1)...]
        }
        var index = bytes.startIndex
        guard let array = parseArray(bytes, &index), index == bytes.endIndex else { return nil }
        return array
    }

    private static func parseArray(_ bytes: ArraySlice<UInt8>, _ index: inout Int) -> Element? {
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var elements: [Element] = []
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .array(elements)
        }
        while index < bytes.endIndex {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard let nested = parseArray(bytes, &index) else { return nil }
                elements.append(nested)
            case UInt8(ascii: "\""):
                index += 1
                var value: [UInt8] = []
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    guard index < bytes.endIndex else { return nil }
                    value.append(bytes[index])
                    index += 1
                }
                guard index < bytes.endIndex else { return nil }
                index += 1
                elements.append(.value(String(decoding: value, as: UTF8.self)))
            default:
                let start = index
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}") { index += 1 }
                let raw = String(decoding: bytes[start..<index], as: UTF8.self)
                elements.append(raw == "NULL" ? .null : .value(raw))
            }
            guard index < bytes.endIndex else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .array(elements)
            } else {
                return nil
            }
        }
        return nil
    }
}
