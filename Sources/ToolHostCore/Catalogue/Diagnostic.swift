/// A problem found in a tool definition or catalogue, located as precisely as known.
///
/// `toolhost validate` prints these compiler-style (`tools/x.yaml:12:5: error: ...`) so editors
/// can jump to them; `list` and `run` carry them as notes and errors.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note

        private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public let severity: Severity
    public let message: String
    /// The file the problem is in, when it is in one.
    public var file: String?
    public var line: Int?
    public var column: Int?
    /// Where in the YAML document (a JSON Pointer) the problem is; used to find the line.
    public var pointer: String?
    /// A stable snake_case name for the kind of problem, for the checks whose findings a
    /// program acts on (`annotation_contradicts_handler`); nil for the rest.
    public var code: String?

    public init(_ severity: Severity, _ message: String, file: String? = nil, line: Int? = nil,
                column: Int? = nil, pointer: String? = nil, code: String? = nil) {
        self.severity = severity
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.pointer = pointer
        self.code = code
    }

    public static func error(_ message: String, at pointer: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, pointer: pointer)
    }

    public static func warning(_ message: String, at pointer: String? = nil) -> Diagnostic {
        Diagnostic(.warning, message, pointer: pointer)
    }

    /// `file:line:column: severity: message`, with whatever location parts are known.
    public var description: String {
        var location = file ?? ""
        if let line { location += ":\(line)" }
        if line != nil, let column { location += ":\(column)" }
        let text = code.map { "\(message) [\($0)]" } ?? message
        return location.isEmpty ? "\(severity.rawValue): \(text)" : "\(location): \(severity.rawValue): \(text)"
    }

    public var json: JSONValue {
        var object: JSONObject = ["severity": .string(severity.rawValue), "message": .string(message)]
        if let file { object["file"] = .string(file) }
        if let line { object["line"] = .int(line) }
        if let column { object["column"] = .int(column) }
        if let pointer, !pointer.isEmpty { object["at"] = .string(pointer) }
        if let code { object["code"] = .string(code) }
        return .object(object)
    }
}
