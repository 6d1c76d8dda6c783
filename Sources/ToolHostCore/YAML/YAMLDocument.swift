import Yams

/// One parsed YAML file: its content as `JSONValue` and, when asked for, the line of every node
/// so that lint messages can point at `file:line`.
///
/// Real catalogues are messy; this copes with a UTF-8 byte-order mark, integer and other
/// non-string mapping keys (they become their text, as `exit_codes: {0: ok}` → `"0"`), explicit
/// nulls, anchors and merge keys (`<<: *defaults`).
public struct YAMLDocument: Sendable {
    public let root: JSONValue
    /// 1-based line of the node at each JSON pointer ("" is the root); empty unless requested.
    public let lines: [String: Int]

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
        guard let text = String(validating: body, as: UTF8.self) else {
            throw ParseError(message: "the file is not valid UTF-8", line: nil, column: nil)
        }
        return try parse(text, trackingLines: trackingLines)
    }

    public static func parse(_ text: String, trackingLines: Bool = false) throws(ParseError) -> YAMLDocument {
        let node: Node?
        do {
            node = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8).singleRoot()
        } catch let error as YamlError {
            throw ParseError(yamlError: error)
        } catch {
            throw ParseError(message: "\(error)", line: nil, column: nil)
        }
        var converter = NodeConverter(trackingLines: trackingLines)
        let root = node.map { converter.convert($0, pointer: "") } ?? .null
        return YAMLDocument(root: root, lines: converter.lines)
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

private struct NodeConverter {
    let trackingLines: Bool
    var lines: [String: Int] = [:]

    mutating func convert(_ node: Node, pointer: String) -> JSONValue {
        if trackingLines, let mark = node.mark, lines[pointer] == nil { lines[pointer] = mark.line }
        switch node {
        case .scalar(let scalar):
            return convert(scalar)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { convert($1, pointer: "\(pointer)/\($0)") })
        case .mapping(let mapping):
            var object = JSONObject()
            var merged: [JSONObject] = []
            for (keyNode, valueNode) in mapping {
                let key = keyText(keyNode)
                if key == "<<", keyNode.scalar?.style == .plain {
                    merged.append(contentsOf: mergeSources(valueNode, pointer: pointer))
                    continue
                }
                let childPointer = "\(pointer)/\(JSONPointer.escape(key))"
                if trackingLines, let mark = keyNode.mark { lines[childPointer] = mark.line }
                object[key] = convert(valueNode, pointer: childPointer)
            }
            // Explicit keys win over merged ones; earlier merge sources win over later ones.
            for source in merged {
                for (key, value) in source where object[key] == nil { object[key] = value }
            }
            return .object(object)
        case .alias:
            return .null
        }
    }

    private mutating func mergeSources(_ node: Node, pointer: String) -> [JSONObject] {
        switch convert(node, pointer: pointer) {
        case .object(let object): return [object]
        case .array(let elements): return elements.compactMap(\.objectValue)
        default: return []
        }
    }

    private func convert(_ scalar: Node.Scalar) -> JSONValue {
        switch scalar.tag.rawValue {
        case Tag.Name.implicit.rawValue, Tag.Name.nonSpecific.rawValue:
            return scalar.style == .plain ? YAMLScalarResolver.resolve(plain: scalar.string) : .string(scalar.string)
        case Tag.Name.str.rawValue:
            return .string(scalar.string)
        default:
            // An explicit tag such as !!int keeps its meaning; other tags read as text.
            let resolved = YAMLScalarResolver.resolve(plain: scalar.string)
            return resolved.stringValue == nil ? resolved : .string(scalar.string)
        }
    }

    private func keyText(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        default:
            var detached = NodeConverter(trackingLines: false)
            return JSONWriter.string(detached.convert(node, pointer: ""))
        }
    }
}

extension YAMLDocument.ParseError {
    init(yamlError: YamlError) {
        switch yamlError {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // libyaml points at where it gave up; the context says where the construct began.
            let prefix = context.map { "\($0.text) (which began at line \($0.mark.line), column \($0.mark.column)), " } ?? ""
            self.init(message: "\(prefix)\(problem)", line: mark.line, column: mark.column)
        case let .reader(problem, offset, _, _):
            self.init(message: "\(problem)\(offset.map { " at byte \($0)" } ?? "")", line: nil, column: nil)
        case let .duplicatedKeysInMapping(duplicates, context):
            self.init(
                message: "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in \(context.text)",
                line: context.mark.line, column: context.mark.column
            )
        default:
            self.init(message: "\(yamlError)", line: nil, column: nil)
        }
    }
}
