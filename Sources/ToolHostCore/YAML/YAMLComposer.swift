import CYAML

/// Builds `JSONValue`s from libyaml's event stream: the composer half of a YAML loader.
///
/// libyaml does the scanning and parsing (and reports errors with positions); this resolves
/// scalars (`YAMLScalarResolver`), anchors, aliases and merge keys, and records node lines.
struct YAMLComposer {
    /// On the heap: libyaml's state must not move while it is in use, and Swift may move structs.
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    /// Anchored values with the number of nodes each expands to.
    private var anchors: [String: (value: JSONValue, nodes: Int)] = [:]
    /// Nodes composed so far, aliases counted at their full size: a few lines of nested
    /// aliases ("billion laughs") expand exponentially, and everything downstream (schema
    /// normalisation, the cache, `describe`) would pay for the expansion.
    private var nodeCount = 0
    private let trackingLines: Bool
    private(set) var lines: [String: Int] = [:]
    private(set) var warnings: [Diagnostic] = []

    /// Nesting deeper than this is refused rather than risking the stack.
    private static let maximumDepth = 512
    /// More nodes than this (after alias expansion) is refused; real tool files have hundreds.
    private static let maximumNodes = 1_000_000

    init(bytes: UnsafeBufferPointer<UInt8>, trackingLines: Bool) {
        self.trackingLines = trackingLines
        parser.initialize(to: yaml_parser_t())
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
    }

    mutating func close() {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The one document of the stream (null for an empty stream), as `safe_load` reads it.
    mutating func composeSingleDocument() throws(YAMLDocument.ParseError) -> JSONValue {
        var event = try next()
        defer { yaml_event_delete(&event) }
        guard event.type == YAML_STREAM_START_EVENT else { throw unexpected(event) }
        var root = JSONValue.null
        var documents = 0
        while true {
            var next = try self.next()
            defer { yaml_event_delete(&next) }
            switch next.type {
            case YAML_STREAM_END_EVENT:
                return root
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw YAMLDocument.ParseError(message: "expected a single document, but found another",
                                                  line: Int(next.start_mark.line) + 1, column: Int(next.start_mark.column) + 1)
                }
                var first = try self.next()
                defer { yaml_event_delete(&first) }
                root = try compose(&first, pointer: "", depth: 0)
                var end = try self.next()
                yaml_event_delete(&end)
            default:
                throw unexpected(next)
            }
        }
    }

    // MARK: Nodes

    /// `pointer` is where the node sits (nil inside a mapping key, whose lines nobody asks for).
    private mutating func compose(_ event: inout yaml_event_t, pointer: String?, depth: Int) throws(YAMLDocument.ParseError) -> JSONValue {
        guard depth < Self.maximumDepth else {
            throw YAMLDocument.ParseError(message: "nesting is deeper than \(Self.maximumDepth) levels",
                                          line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        }
        if trackingLines, let pointer, lines[pointer] == nil { lines[pointer] = Int(event.start_mark.line) + 1 }
        let nodesBefore = nodeCount
        nodeCount += 1
        let value: JSONValue
        let anchor: UnsafeMutablePointer<yaml_char_t>?
        switch event.type {
        case YAML_SCALAR_EVENT:
            anchor = event.data.scalar.anchor
            value = scalar(event)
        case YAML_SEQUENCE_START_EVENT:
            anchor = event.data.sequence_start.anchor
            value = try sequence(pointer: pointer, depth: depth)
        case YAML_MAPPING_START_EVENT:
            anchor = event.data.mapping_start.anchor
            value = try mapping(pointer: pointer, depth: depth)
        case YAML_ALIAS_EVENT:
            let name = Self.text(event.data.alias.anchor)
            guard let target = anchors[name] else {
                throw YAMLDocument.ParseError(message: "the alias *\(name) refers to no anchor defined before it",
                                              line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            }
            nodeCount += target.nodes - 1
            guard nodeCount <= Self.maximumNodes else {
                throw YAMLDocument.ParseError(
                    message: "the document expands to more than \(Self.maximumNodes) nodes through its aliases",
                    line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            }
            return target.value
        default:
            throw unexpected(event)
        }
        if let anchor { anchors[Self.text(anchor)] = (value, nodeCount - nodesBefore) }
        return value
    }

    private func scalar(_ event: yaml_event_t) -> JSONValue {
        let data = event.data.scalar
        let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
        let tag = data.tag.map { Self.text($0) }
        switch tag {
        case nil, "!":
            let isPlain = data.style == YAML_PLAIN_SCALAR_STYLE && tag == nil
            return isPlain ? YAMLScalarResolver.resolve(plain: text) : .string(text)
        case "tag:yaml.org,2002:str":
            return .string(text)
        default:
            // An explicit tag such as !!int keeps its meaning; other tags read as text.
            let resolved = YAMLScalarResolver.resolve(plain: text)
            return resolved.stringValue == nil ? resolved : .string(text)
        }
    }

    private mutating func sequence(pointer: String?, depth: Int) throws(YAMLDocument.ParseError) -> JSONValue {
        var elements: [JSONValue] = []
        while true {
            var event = try next()
            defer { yaml_event_delete(&event) }
            if event.type == YAML_SEQUENCE_END_EVENT { return .array(elements) }
            elements.append(try compose(&event, pointer: pointer.map { "\($0)/\(elements.count)" }, depth: depth + 1))
        }
    }

    private mutating func mapping(pointer: String?, depth: Int) throws(YAMLDocument.ParseError) -> JSONValue {
        var object = JSONObject()
        var merged: [JSONObject] = []
        while true {
            var keyEvent = try next()
            defer { yaml_event_delete(&keyEvent) }
            if keyEvent.type == YAML_MAPPING_END_EVENT { break }
            let keyLine = Int(keyEvent.start_mark.line) + 1
            let isMergeKey = keyEvent.type == YAML_SCALAR_EVENT && keyEvent.data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                && keyEvent.data.scalar.length == 2 && Self.text(keyEvent.data.scalar.value) == "<<"
            let keyValue = try compose(&keyEvent, pointer: nil, depth: depth + 1)
            // A mapping or list as a key has no JSON form (written out as JSON text, nested keys
            // doubled their escapes at every level: 50 levels took minutes). Python's
            // yaml.safe_load refuses it too ("found unhashable key").
            if keyValue.objectValue != nil || keyValue.arrayValue != nil {
                throw YAMLDocument.ParseError(
                    message: "a mapping key must be text, a number, true/false or null, not \(keyValue.objectValue != nil ? "a mapping" : "a list")",
                    line: keyLine, column: Int(keyEvent.start_mark.column) + 1)
            }
            let key = Self.keyText(keyValue)
            let childPointer = pointer.map { JSONPointer.appending(key, to: $0) }

            var valueEvent = try next()
            defer { yaml_event_delete(&valueEvent) }
            let value = try compose(&valueEvent, pointer: childPointer, depth: depth + 1)
            if isMergeKey {
                switch value {
                case .object(let source): merged.append(source)
                case .array(let sources): merged.append(contentsOf: sources.compactMap(\.objectValue))
                default: break
                }
                continue
            }
            if trackingLines, let childPointer { lines[childPointer] = keyLine }
            if object[key] != nil {
                // PyYAML keeps the last value; so do we, but a person should hear about it.
                warnings.append(Diagnostic(.warning, "duplicate key '\(key)'; the last value is used",
                                           line: keyLine, pointer: childPointer))
            }
            object[key] = value
        }
        // Explicit keys win over merged ones; earlier merge sources win over later ones.
        for source in merged {
            for (key, value) in source where object[key] == nil { object[key] = value }
        }
        return .object(object)
    }

    /// Mapping keys are text in JSON: scalars become their text.
    private static func keyText(_ key: JSONValue) -> String {
        switch key {
        case .string(let text): text
        case .null: "null"
        default: key.description
        }
    }

    // MARK: Events

    private mutating func next() throws(YAMLDocument.ParseError) -> yaml_event_t {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw parserError() }
        return event
    }

    private func parserError() -> YAMLDocument.ParseError {
        let parser = self.parser.pointee
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        let mark = parser.problem_mark
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            // libyaml points at where it gave up; the context says where the construct began.
            message = "\(context) (which began at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1)), \(problem)"
        }
        return YAMLDocument.ParseError(message: message, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private func unexpected(_ event: yaml_event_t) -> YAMLDocument.ParseError {
        YAMLDocument.ParseError(message: "unexpected YAML structure", line: Int(event.start_mark.line) + 1,
                                column: Int(event.start_mark.column) + 1)
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>) -> String {
        String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }
}
