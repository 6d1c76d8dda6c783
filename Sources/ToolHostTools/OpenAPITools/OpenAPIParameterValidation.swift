import ToolHostCore

/// Checks a call's parameters and body against its operation in the spec, before any request
/// is made, and gives them back ready to send (numbers and booleans written as text become
/// what the schema wants: `"42"` for an integer path parameter is 42).
///
/// Every problem is reported at once, as an `invalid_input` whose violations point into the
/// call's input: `/parameters/code must be an integer, not a string ("teapot")`,
/// `/parameters/colour is not a parameter of operation 'getPet'; did you mean 'color'?`,
/// `/body/name is required`.
enum OpenAPIParameterValidation {
    static func validated(_ call: OpenAPICallInput, pathParameters: JSONObject, operation: OpenAPIOperation,
                          toolID: String) throws(ToolHostError) -> (parameters: JSONObject, body: JSONValue?) {
        var violations: [Violation] = []
        var given = pathParameters
        let declared = operation.parameters
        let names = declared.map(\.name)
        for (name, value) in call.parameters where !value.isNull {
            // Header names are case-insensitive: `x-trace-id` is the spec's `X-Trace-Id`.
            let header = names.contains(name) ? nil
                : declared.first { $0.location == .header && $0.name.lowercased() == name.lowercased() }
            given[header?.name ?? name] = value
        }
        for name in given.keys where !names.contains(name) {
            let suggestion = Suggestions.closest(to: name, among: names, limit: 1).first
            let known = names.isEmpty ? "it takes none" : suggestion.map { "did you mean '\($0)'?" } ?? "it takes \(names.joined(separator: ", "))"
            violations.append(Violation(path: JSONPointer.appending(name, to: "/parameters"),
                                        message: "is not a parameter of operation '\(operation.label)'; \(known)"))
        }
        var checked: JSONObject = [:]
        for parameter in declared {
            let pointer = JSONPointer.appending(parameter.name, to: "/parameters")
            guard let value = given[parameter.name] else {
                if parameter.required {
                    violations.append(Violation(path: pointer, message: "is required by operation '\(operation.label)' (a \(parameter.location.rawValue) parameter)"))
                }
                continue
            }
            let coerced = coerce(value, to: parameter.schema)
            if parameter.location == .path, let text = coerced.stringValue, OpenAPIRequestBuilder.isDotSegment(text) {
                // `/files/{name}` with ".." would be a request outside the operation's path.
                violations.append(Violation(path: pointer, message: "cannot be \"\(text)\": a path parameter may not step out of the operation's path"))
                continue
            }
            let result = SchemaValidator.validate(coerced, against: parameter.schema)
            violations += result.violations.map { Violation(path: pointer + $0.path, message: $0.message) }
            checked[parameter.name] = coerced
        }
        var body = call.body
        switch (operation.body, call.body) {
        case (nil, _?):
            violations.append(Violation(path: "/body", message: "is not taken by operation '\(operation.label)', which has no request body"))
        case (let expected?, nil) where expected.required:
            violations.append(Violation(path: "/body", message: "is required by operation '\(operation.label)' (\(expected.contentType))"))
        case (let expected?, let given?):
            if let schema = expected.schema {
                let result = SchemaValidator.validate(given, against: schema)
                violations += result.violations.map { Violation(path: "/body" + $0.path, message: $0.message) }
                body = given
            }
        default: break
        }
        guard violations.isEmpty else { throw ToolHostError.invalidInput(violations, tool: toolID) }
        return (checked, body)
    }

    /// Text that reads as the number or boolean the schema wants becomes it: parameters travel
    /// as text, and a path like `/status/418` can only give text.
    static func coerce(_ value: JSONValue, to schema: JSONValue) -> JSONValue {
        guard case .string(let text) = value else { return value }
        let types: [String] = switch schema["type"] {
        case .string(let name)?: [name]
        case .array(let names)?: names.compactMap(\.stringValue)
        default: []
        }
        if types.contains("string") || types.isEmpty { return value }
        if types.contains("integer"), let integer = Int64(text) { return .integer(integer) }
        if types.contains("number"), let number = Double(text), number.isFinite { return .double(number) }
        if types.contains("boolean"), text == "true" || text == "false" { return .bool(text == "true") }
        return value
    }
}
