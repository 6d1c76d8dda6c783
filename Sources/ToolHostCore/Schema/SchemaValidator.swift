/// Checks a JSON value against a normalised JSON Schema and fills in declared defaults.
///
/// Supports the draft 2020-12 keywords tool schemas use: `type`, `enum`, `const`, numeric
/// bounds and `multipleOf`, string lengths and `pattern`, `items`/`prefixItems`, item counts
/// and `uniqueItems`, `properties`/`required`/`additionalProperties`/`patternProperties`,
/// property counts, `allOf`/`anyOf`/`oneOf`/`not` and `if`/`then`/`else`. Every violation is
/// reported, each with the JSON Pointer of the offending value, so a caller can fix all of them
/// in one go. A `oneOf` whose branches each fix a property with `const` (a multi-operation
/// tool's: `OperationSchemas`) is checked against the one branch the input chooses, and its
/// messages name that operation ("is required by operation 'resolve_bug'").
///
/// ```swift
/// let result = SchemaValidator.validate(input, against: tool.inputSchema)
/// if !result.violations.isEmpty { throw ToolHostError.invalidInput(result.violations) }
/// let inputWithDefaults = result.value
/// ```
public struct SchemaValidator {
    public struct Result: Sendable {
        /// The input with the defaults of absent properties filled in.
        public var value: JSONValue
        public var violations: [Violation]
        public var isValid: Bool { violations.isEmpty }
    }

    public static func validate(_ value: JSONValue, against schema: JSONValue) -> Result {
        var validator = SchemaValidator()
        var instance = value
        validator.check(&instance, schema, path: "", applyingDefaults: true)
        return Result(value: instance, violations: validator.violations)
    }

    private var violations: [Violation] = []
    /// The operation whose branch this validator checks (`operation 'resolve_bug'`): messages
    /// about the branch's own fields name it.
    private var branchLabel: String?

    private mutating func fail(_ path: String, _ message: String) {
        violations.append(Violation(path: path, message: message))
    }

    /// Checks `instance` and fills in defaults; returns whether it changed, so containers copy
    /// themselves only when a default was actually added (a million-item batch must not be
    /// rebuilt element by element just to be validated).
    @discardableResult
    private mutating func check(_ instance: inout JSONValue, _ schema: JSONValue, path: String, applyingDefaults: Bool) -> Bool {
        guard case .object(let keywords) = schema else {
            if schema.boolValue == false { fail(path, "is not allowed here") }
            return false
        }
        var changed = false
        if let type = keywords["type"] {
            guard typeMatches(instance, type) else {
                fail(path, "must be \(describeType(type)), not \(describe(instance))")
                return false  // further keywords would only repeat the same mistake
            }
            // `2.0` is an integer to JSON Schema but not to a Python plugin: it is passed on as `2`.
            let names = Self.names(of: type)
            if case .double(let number) = instance, names.contains("integer"), number.rounded() == number {
                if let integer = Int64(exactly: number) {
                    instance = .integer(integer)
                    changed = true
                } else if !names.contains("number") {
                    fail(path, "\(Violation.integerTooLarge), not \(instance.description.clipped)")
                    return false
                }
            }
        }
        if case .array(let allowed)? = keywords["enum"], !allowed.contains(instance) {
            fail(path, "must be one of \(allowed.map(\.description).joined(separator: ", ")), not \(instance.description.clipped)")
        }
        if let constant = keywords["const"], constant != instance {
            fail(path, "must be \(constant.description.clipped)")
        }
        switch instance {
        case .integer, .double: checkNumber(instance, keywords, path: path)
        case .string(let text): checkString(text, keywords, path: path)
        case .array: changed = checkArray(&instance, keywords, path: path, applyingDefaults: applyingDefaults) || changed
        case .object: changed = checkObject(&instance, keywords, path: path, applyingDefaults: applyingDefaults) || changed
        default: break
        }
        return checkCombinators(&instance, keywords, path: path, applyingDefaults: applyingDefaults) || changed
    }

    // MARK: Scalars

    private mutating func checkNumber(_ instance: JSONValue, _ keywords: JSONObject, path: String) {
        guard let number = instance.numberValue else { return }
        if let minimum = keywords["minimum"]?.numberValue, number < minimum {
            fail(path, "must be at least \(minimum.compactText), not \(instance)")
        }
        if let maximum = keywords["maximum"]?.numberValue, number > maximum {
            fail(path, "must be at most \(maximum.compactText), not \(instance)")
        }
        if let bound = keywords["exclusiveMinimum"]?.numberValue, number <= bound {
            fail(path, "must be greater than \(bound.compactText), not \(instance)")
        }
        if let bound = keywords["exclusiveMaximum"]?.numberValue, number >= bound {
            fail(path, "must be less than \(bound.compactText), not \(instance)")
        }
        if let divisor = keywords["multipleOf"]?.numberValue, divisor > 0 {
            let quotient = number / divisor
            if (quotient - quotient.rounded()).magnitude > 1e-9 * max(1, quotient.magnitude) {
                fail(path, "must be a multiple of \(divisor.compactText), not \(instance)")
            }
        }
    }

    private mutating func checkString(_ text: String, _ keywords: JSONObject, path: String) {
        let length = text.unicodeScalars.count
        if let minimum = keywords["minLength"]?.integerValue, length < minimum {
            fail(path, "must be at least \(minimum) character\(minimum == 1 ? "" : "s") long")
        }
        if let maximum = keywords["maxLength"]?.integerValue, length > maximum {
            fail(path, "must be at most \(maximum) character\(maximum == 1 ? "" : "s") long, not \(length)")
        }
        if let pattern = keywords["pattern"]?.stringValue, let regex = try? Regex(pattern),
           (try? regex.firstMatch(in: text)) == nil {
            fail(path, "must match the pattern \(pattern)")
        }
    }

    // MARK: Containers

    private mutating func checkArray(_ instance: inout JSONValue, _ keywords: JSONObject, path: String, applyingDefaults: Bool) -> Bool {
        guard case .array(let elements) = instance else { return false }
        if let minimum = keywords["minItems"]?.integerValue, elements.count < minimum {
            fail(path, "must have at least \(minimum) item\(minimum == 1 ? "" : "s"), not \(elements.count)")
        }
        if let maximum = keywords["maxItems"]?.integerValue, elements.count > maximum {
            fail(path, "must have at most \(maximum) item\(maximum == 1 ? "" : "s"), not \(elements.count)")
        }
        if keywords["uniqueItems"]?.boolValue == true {
            var seen = Set<JSONValue>()
            for (index, element) in elements.enumerated() where !seen.insert(element).inserted {
                fail(JSONPointer.appending(index, to: path), "repeats an earlier item; items must be unique")
            }
        }
        if let wanted = keywords["contains"],
           !elements.contains(where: { Self.validate($0, againstWithoutDefaults: wanted).isEmpty }) {
            fail(path, "must contain at least one item of the required form")
        }
        let prefix = keywords["prefixItems"]?.arrayValue ?? []
        var updated: [JSONValue]?
        for index in elements.indices {
            let itemSchema = index < prefix.count ? prefix[index] : keywords["items"]
            guard let itemSchema else { continue }
            var element = elements[index]
            if check(&element, itemSchema, path: JSONPointer.appending(index, to: path), applyingDefaults: applyingDefaults) {
                if updated == nil { updated = elements }
                updated?[index] = element
            }
        }
        guard let updated else { return false }
        instance = .array(updated)
        return true
    }

    private mutating func checkObject(_ instance: inout JSONValue, _ keywords: JSONObject, path: String, applyingDefaults: Bool) -> Bool {
        guard case .object(var object) = instance else { return false }
        var updated: JSONObject?
        let properties = keywords["properties"]?.objectValue ?? [:]
        let required = keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        // Callers that pass every argument (Python's `None`) send null for what they leave unset:
        // a null for a declared property (here or in an `allOf` part) is "not given", unless a
        // schema that declares it names null itself.
        var nulled: Set<String> = []
        for name in object.keys where object[name]?.isNull == true {
            let declared = Self.declarations(of: name, in: keywords)
            guard !declared.isEmpty, !declared.contains(where: Self.acceptsNullExplicitly) else { continue }
            object[name] = nil
            updated = object
            nulled.insert(name)
        }
        let label = path.isEmpty ? branchLabel : nil
        for name in required where object[name] == nil && properties[name]?["default"] == nil {
            let by = label.map { " by \($0)" } ?? ""
            fail(JSONPointer.appending(name, to: path), nulled.contains(name) ? "is required\(by) and cannot be null" : "is required\(by)")
        }
        if let minimum = keywords["minProperties"]?.integerValue, object.count < minimum {
            fail(path, "must have at least \(minimum) propert\(minimum == 1 ? "y" : "ies")")
        }
        if let maximum = keywords["maxProperties"]?.integerValue, object.count > maximum {
            fail(path, "must have at most \(maximum) propert\(maximum == 1 ? "y" : "ies")")
        }
        // Members need a look only when the schema says something about them.
        let constrainsMembers = !properties.isEmpty || keywords["patternProperties"] != nil
            || keywords["additionalProperties"] != nil || keywords["propertyNames"] != nil
        let patterns = (keywords["patternProperties"]?.objectValue ?? [:]).compactMap { entry in
            (try? Regex(entry.key)).map { ($0, entry.value) }
        }
        for name in constrainsMembers ? object.keys : [] {
            guard var member = object[name] else { continue }
            let memberPath = JSONPointer.appending(name, to: path)
            if let nameSchema = keywords["propertyNames"],
               let problem = Self.validate(.string(name), againstWithoutDefaults: nameSchema).first {
                fail(memberPath, "is not an allowed property name: it \(problem.message)")
            }
            var isDeclared = false
            var changed = false
            if let propertySchema = properties[name] {
                isDeclared = true
                changed = check(&member, propertySchema, path: memberPath, applyingDefaults: applyingDefaults)
            }
            for (regex, patternSchema) in patterns where (try? regex.firstMatch(in: name)) != nil {
                isDeclared = true
                changed = check(&member, patternSchema, path: memberPath, applyingDefaults: applyingDefaults) || changed
            }
            if !isDeclared, let additional = keywords["additionalProperties"] {
                if additional.boolValue == false {
                    let known = properties.keys
                    let hint = Suggestions.closest(to: name, among: known).first.map { "; did you mean '\($0)'?" } ?? ""
                    if let label {
                        let fields = known.filter { $0 != OperationSchemas.key }
                        let list = fields.isEmpty ? "it takes no other fields" : "its fields: \(fields.joined(separator: ", "))"
                        fail(memberPath, "is not a field of \(label)\(hint) (\(list))")
                    } else {
                        fail(memberPath, "is not an allowed property\(hint)")
                    }
                } else {
                    changed = check(&member, additional, path: memberPath, applyingDefaults: applyingDefaults) || changed
                }
            }
            if changed {
                if updated == nil { updated = object }
                updated?[name] = member
            }
        }
        if applyingDefaults {
            for (name, propertySchema) in properties where object[name] == nil {
                guard let defaultValue = propertySchema["default"] else { continue }
                if updated == nil { updated = object }
                updated?[name] = defaultValue
            }
        }
        guard let updated else { return false }
        instance = .object(updated)
        return true
    }

    // MARK: Combinators

    /// Returns whether the instance changed: `allOf` parts, and the form of `anyOf` (the first
    /// that matches) or `oneOf` (the one that matches), pass on what they normalise (nulls not
    /// given, integers, defaults) as the schema's own properties do.
    private mutating func checkCombinators(_ instance: inout JSONValue, _ keywords: JSONObject, path: String, applyingDefaults: Bool) -> Bool {
        var changed = false
        if case .array(let all)? = keywords["allOf"] {
            for schema in all { changed = check(&instance, schema, path: path, applyingDefaults: applyingDefaults) || changed }
        }
        var alternatives: [Outcome] = []
        if case .array(let any)? = keywords["anyOf"] {
            let outcomes = any.map { Self.outcome(of: instance, against: $0, applyingDefaults: applyingDefaults) }
            if let match = outcomes.first(where: \.violations.isEmpty) {
                alternatives.append(match)
            } else {
                fail(path, "must match at least one of \(any.count) allowed forms (\(closestMismatch(outcomes.map(\.violations))))")
            }
        }
        if let chosen = Self.chosenBranch(of: keywords, for: instance) {
            if let (label, branch) = chosen {
                let outcome = Self.outcome(of: instance, against: branch, applyingDefaults: applyingDefaults, label: label)
                for violation in outcome.violations { fail(path + violation.path, violation.message) }
                if outcome.violations.isEmpty { alternatives.append(outcome) }
            }
        } else if case .array(let one)? = keywords["oneOf"] {
            let outcomes = one.map { Self.outcome(of: instance, against: $0, applyingDefaults: applyingDefaults) }
            let matches = outcomes.filter(\.violations.isEmpty)
            if matches.isEmpty {
                fail(path, "must match exactly one of \(one.count) allowed forms (\(closestMismatch(outcomes.map(\.violations))))")
            } else if matches.count > 1 {
                fail(path, "matches \(matches.count) of the allowed forms but must match exactly one")
            } else {
                alternatives.append(matches[0])
            }
        }
        if let condition = keywords["if"] {
            let branch = Self.validate(instance, againstWithoutDefaults: condition).isEmpty ? keywords["then"] : keywords["else"]
            if let branch { changed = check(&instance, branch, path: path, applyingDefaults: applyingDefaults) || changed }
        }
        for match in alternatives where match.changed {
            instance = match.value
            changed = true
        }
        if let negated = keywords["not"], Self.validate(instance, againstWithoutDefaults: negated).isEmpty {
            fail(path, "must not match the excluded form")
        }
        return changed
    }

    /// One alternative's verdict on a copy of the instance, and the copy as it normalised it.
    private struct Outcome {
        var violations: [Violation]
        var value: JSONValue
        var changed: Bool
    }

    private static func outcome(of instance: JSONValue, against schema: JSONValue, applyingDefaults: Bool,
                                label: String? = nil) -> Outcome {
        var validator = SchemaValidator()
        validator.branchLabel = label
        var copy = instance
        let changed = validator.check(&copy, schema, path: "", applyingDefaults: applyingDefaults)
        return Outcome(violations: validator.violations, value: copy, changed: changed)
    }

    /// For a `oneOf` whose every branch fixes one property with `const` (an operation), the
    /// branch the instance chooses: `.some(nil)` when it chooses none (the property's own
    /// `enum` or `required` says so), nil when the `oneOf` is not of that kind.
    private static func chosenBranch(of keywords: JSONObject, for instance: JSONValue) -> (label: String, schema: JSONValue)?? {
        guard keywords["oneOf"] != nil, let branches = OperationSchemas.branches(of: .object(keywords)) else { return nil }
        guard case .string(let requested)? = instance[OperationSchemas.key],
              let branch = branches.first(where: { $0.operation == requested }) else { return .some(nil) }
        return (label: "operation '\(requested)'", schema: .object(branch.schema))
    }

    /// The schemas that declare property `name` of an object: its own `properties` and those of
    /// its `allOf` parts (whose checks see the same object), and of the alternatives it may
    /// take (`oneOf`, `anyOf`, `then`, `else`): a null for a field of another operation is
    /// "not given" too.
    private static func declarations(of name: String, in keywords: JSONObject) -> [JSONValue] {
        let own = keywords["properties"]?[name].map { [$0] } ?? []
        var parts: [JSONObject] = []
        for keyword in ["allOf", "oneOf", "anyOf"] { parts += (keywords[keyword]?.arrayValue ?? []).compactMap(\.objectValue) }
        for keyword in ["then", "else"] { if let part = keywords[keyword]?.objectValue { parts.append(part) } }
        return own + parts.flatMap { declarations(of: name, in: $0) }
    }

    /// Whether a schema lets null through by naming it (`type: [string, "null"]`, an `enum`
    /// or `const` with null), rather than by constraining nothing.
    public static func acceptsNullExplicitly(_ schema: JSONValue) -> Bool {
        if let type = schema["type"], names(of: type).contains("null") { return true }
        if schema["enum"]?.arrayValue?.contains(.null) == true || schema["const"]?.isNull == true { return true }
        return ["anyOf", "oneOf"].contains { schema[$0]?.arrayValue?.contains(where: acceptsNullExplicitly) == true }
    }

    /// The type names of a `type` keyword (one name or a list).
    private static func names(of type: JSONValue) -> [String] {
        type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
    }

    private static func validate(_ instance: JSONValue, againstWithoutDefaults schema: JSONValue) -> [Violation] {
        outcome(of: instance, against: schema, applyingDefaults: false).violations
    }

    /// The alternative that came closest (fewest violations), as a hint to the caller.
    private func closestMismatch(_ outcomes: [[Violation]]) -> String {
        guard let closest = outcomes.filter({ !$0.isEmpty }).min(by: { $0.count < $1.count }),
              let first = closest.first else { return "none matched" }
        return "closest: \(first)"
    }

    // MARK: Wording

    private func typeMatches(_ instance: JSONValue, _ type: JSONValue) -> Bool {
        switch type {
        case .string(let name): return SchemaType.matches(instance, name)
        case .array(let names): return names.contains { $0.stringValue.map { SchemaType.matches(instance, $0) } ?? false }
        default: return true
        }
    }

    private func describeType(_ type: JSONValue) -> String {
        let names = Self.names(of: type)
        return (names.isEmpty ? ["?"] : names).map { article($0) }.joined(separator: " or ")
    }

    private func describe(_ instance: JSONValue) -> String {
        switch instance {
        case .null: return "null"
        case .object: return "an object"
        case .array: return "an array"
        default: return "\(article(instance.typeName)) (\(instance.description.clipped))"
        }
    }

    private func article(_ name: String) -> String {
        ["a", "e", "i", "o", "u"].contains(name.first.map(String.init) ?? "") ? "an \(name)" : "a \(name)"
    }
}

extension String {
    /// The text cut to 60 characters with an ellipsis, for quoting values in messages.
    var clipped: String { count > 60 ? String(prefix(57)) + "..." : self }
}
