/// One parsed YAML file: its content as `JSONValue` and, when asked for, the line of every node
/// so that lint messages can point at `file:line`.
///
/// Reads like PyYAML's `safe_load`, which is what code-evolver uses on the same files: one
/// document; YAML 1.1 scalars (`yes` is true); a duplicate key keeps its last value (reported
/// in `warnings`); anchors, aliases and merge keys (`<<: *defaults`) resolved. Beyond that it
/// copes with a UTF-8 byte-order mark and with non-string mapping keys, which become their
/// text (`exit_codes: {0: ok}` → `"0"`).
public struct YAMLDocument: Sendable {
    public let root: JSONValue
    /// 1-based line of the node at each JSON pointer ("" is the root); empty unless requested.
    public let lines: [String: Int]
    /// Things PyYAML accepts silently but a person should know (duplicate keys).
    public let warnings: [Diagnostic]

    /// Why a YAML text could not be read, with the position libyaml reported.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public let line: Int?
        public let column: Int?
        public var description: String {
            guard let line else { return message }
            return "\(message) (line \(line)\(column.map { ", column \($0)" } ?? ""))"
        }
    }

    public static func parse(_ bytes: [UInt8], trackingLines: Bool = false) throws(ParseError) -> YAMLDocument {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard String(validating: body, as: UTF8.self) != nil else {
            throw ParseError(message: "the file is not valid UTF-8", line: nil, column: nil)
        }
        return try body.withUnsafeBufferPointer { (buffer) throws(ParseError) -> YAMLDocument in
            var composer = YAMLComposer(bytes: buffer, trackingLines: trackingLines)
            defer { composer.close() }
            let root = try composer.composeSingleDocument()
            return YAMLDocument(root: root, lines: composer.lines, warnings: composer.warnings)
        }
    }

    public static func parse(_ text: String, trackingLines: Bool = false) throws(ParseError) -> YAMLDocument {
        try parse(Array(text.utf8), trackingLines: trackingLines)
    }

    /// The line of the node at `pointer`, or of its nearest ancestor that has one.
    public func line(at pointer: String) -> Int? {
        var current = pointer
        while true {
            if let line = lines[current] { return line }
            guard let slash = current.lastIndex(of: "/") else { return nil }
            current = String(current[..<slash])
        }
    }
}
