/// Reads typed settings out of a parsed config tree (Core's sections, and each subsystem's
/// own: `ConfigSection`), collecting every wrong type as an error
/// that names the key, and remembering which keys were read so the rest can be reported as
/// unknown. Environment overrides take precedence over the file.
public struct ConfigReader {
    private let root: JSONObject
    private let environment: [String: String]
    private(set) var errors: [String] = []
    private var readPaths: Set<String> = []

    init(root: JSONObject, environment: [String: String]) {
        self.root = root
        self.environment = environment
    }

    /// A value and where it came from, for error messages.
    public struct Found {
        public var value: JSONValue
        public var source: String
        /// Whether an environment variable gave it (the file's value is then overridden).
        public var fromEnvironment = false
    }

    private mutating func find(_ path: String, env: String?) -> Found? {
        readPaths.insert(path)
        if let env, let text = environment[env] { return Found(value: .string(text), source: "\(env) (environment)", fromEnvironment: true) }
        var current: JSONValue = .object(root)
        for component in path.split(separator: ".") {
            guard let next = current[String(component)] else { return nil }
            current = next
        }
        return current.isNull ? nil : Found(value: current, source: path)
    }

    /// The raw value at `path` (or of `env`), for settings of a shape no typed read covers.
    public mutating func value(_ path: String, env: String? = nil) -> Found? {
        find(path, env: env)
    }

    public mutating func number(_ path: String, env: String? = nil, default fallback: Double, positive: Bool = true) -> Double {
        guard let found = find(path, env: env) else { return fallback }
        let number: Double? = switch found.value {
        case .string(let text): Double(text.trimmingSpaces)
        default: found.value.numberValue
        }
        guard let number, number.isFinite, !positive || number > 0 else {
            errors.append("\(found.source) must be a \(positive ? "positive " : "")number, not \(Self.shown(found.value))")
            return fallback
        }
        return number
    }

    public mutating func integer(_ path: String, env: String? = nil, default fallback: Int) -> Int {
        let number = number(path, env: env, default: Double(fallback))
        guard let integer = Int(exactly: number) else {
            errors.append("\(path) must be a whole number, not \(number)")
            return fallback
        }
        return integer
    }

    public mutating func bool(_ path: String, env: String? = nil, default fallback: Bool) -> Bool {
        guard let found = find(path, env: env) else { return fallback }
        switch found.value {
        case .bool(let flag): return flag
        case .string(let text):
            switch text.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off", "": return false
            default: break
            }
        default: break
        }
        errors.append("\(found.source) must be true or false, not \(Self.shown(found.value))")
        return fallback
    }

    public mutating func string(_ path: String, env: String? = nil) -> String? {
        guard let found = find(path, env: env) else { return nil }
        switch found.value {
        case .string(let text): return text
        case .integer, .double, .bool: return found.value.description
        default:
            errors.append("\(found.source) must be text, not \(found.value.typeName)")
            return nil
        }
    }

    /// A list of strings; a single string is one element, and an environment override is split
    /// on `separator`.
    public mutating func stringList(_ path: String, env: String? = nil, separator: Character = ",") -> [String]? {
        guard let found = find(path, env: env) else { return nil }
        switch found.value {
        case .string(let text) where found.fromEnvironment:
            return text.split(separator: separator).map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        case .string(let text):
            return [text]
        case .array(let elements) where elements.allSatisfy({ $0.stringValue != nil }):
            return elements.compactMap(\.stringValue)
        default:
            errors.append("\(found.source) must be a list of text values, not \(found.value.typeName)")
            return nil
        }
    }

    public mutating func stringMap(_ path: String) -> [String: String]? {
        guard let found = find(path, env: nil) else { return nil }
        guard case .object(let object) = found.value,
              object.allSatisfy({ $0.value.stringValue != nil }) else {
            errors.append("\(found.source) must be a mapping of text to text")
            return nil
        }
        return Dictionary(uniqueKeysWithValues: object.compactMap { key, value in value.stringValue.map { (key, $0) } })
    }

    /// A wrong value as an error may show it: numbers and booleans as they are, text only by
    /// its length. A password put under the wrong key (or an environment variable holding a
    /// token) must not come back in an error that goes to logs and callers.
    public static func shown(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "text (\(text.count) character\(text.count == 1 ? "" : "s"))"
        case .integer, .double, .bool: value.description.clipped
        default: value.typeName
        }
    }

    /// Records a problem that no single typed read can see (a combination of keys).
    public mutating func report(_ problem: String) {
        errors.append(problem)
    }

    /// Keys present in the file that no setting reads, with a suggestion when one is close.
    func unknownKeys() -> [String] {
        var unknown: [String] = []
        func walk(_ value: JSONValue, _ path: String) {
            if readPaths.contains(path) { return }
            guard case .object(let object) = value, !object.isEmpty else {
                if !path.isEmpty { unknown.append(path) }
                return
            }
            if !path.isEmpty, !readPaths.contains(where: { $0.hasPrefix(path + ".") }) {
                unknown.append(path)
                return
            }
            for (key, child) in object { walk(child, path.isEmpty ? key : "\(path).\(key)") }
        }
        walk(.object(root), "")
        return unknown.map { key in
            let hint = Suggestions.closest(to: key, among: readPaths, limit: 1).first.map { "; did you mean '\($0)'?" } ?? ""
            return "unknown key '\(key)' is ignored\(hint)"
        }
    }
}
