/// When a stream run stops by itself: after `maxItems` items, after `durationSeconds`.
///
/// Read from the tool's block (`max_items`, `duration`, in seconds), then the call's input
/// (`max_items`, `duration_seconds`) overrides them, then the caller's own bounds
/// (`StreamCallOptions`) cap the result.
public struct StreamBounds: Sendable, Equatable {
    public var maxItems: Int?
    public var durationSeconds: Double?

    public init(maxItems: Int? = nil, durationSeconds: Double? = nil) {
        self.maxItems = maxItems
        self.durationSeconds = durationSeconds
    }

    public var isBounded: Bool { maxItems != nil || durationSeconds != nil }

    /// `max_items` and `duration` (or `duration_seconds`) of a tool's block; errors name the path.
    static func decode(_ block: JSONObject, at base: String, diagnostics: inout [Diagnostic]) -> StreamBounds {
        var bounds = StreamBounds()
        if let value = block["max_items"], !value.isNull {
            if let count = value.integerValue, count > 0 { bounds.maxItems = Int(count) } else {
                diagnostics.append(.error("'max_items' must be a positive whole number, not \(value.description.clipped)", at: base + "/max_items"))
            }
        }
        for key in ["duration", "duration_seconds"] {
            guard let value = block[key], !value.isNull else { continue }
            if let seconds = value.numberValue, seconds > 0, seconds.isFinite { bounds.durationSeconds = seconds } else {
                diagnostics.append(.error("'\(key)' must be a positive number of seconds, not \(value.description.clipped)", at: base + "/" + key))
            }
        }
        return bounds
    }

    /// These bounds with the input's `max_items` / `duration_seconds` over them, capped by the
    /// caller's; a bad input value is `invalid_input`.
    func applying(input: JSONObject, caller: StreamCallOptions, tool: String) throws(ToolHostError) -> StreamBounds {
        var bounds = self
        var violations: [Violation] = []
        if let value = input["max_items"], !value.isNull {
            if let count = value.integerValue, count > 0 { bounds.maxItems = Int(count) } else {
                violations.append(Violation(path: "/max_items", message: "must be a positive whole number"))
            }
        }
        if let value = input["duration_seconds"], !value.isNull {
            if let seconds = value.numberValue, seconds > 0, seconds.isFinite { bounds.durationSeconds = seconds } else {
                violations.append(Violation(path: "/duration_seconds", message: "must be a positive number of seconds"))
            }
        }
        if !violations.isEmpty { throw ToolHostError.invalidInput(violations, tool: tool) }
        if let cap = caller.maxItems { bounds.maxItems = min(bounds.maxItems ?? cap, cap) }
        if let cap = caller.durationSeconds { bounds.durationSeconds = min(bounds.durationSeconds ?? cap, cap) }
        return bounds
    }

    /// `schema` with the call's own bounds (`max_items`, `duration_seconds`) declared, for a
    /// stream tool that does not declare them itself: a caller (an MCP client reading
    /// `tools/list`) learns it may pass them, and a schema that refuses unknown fields
    /// (`additionalProperties: false`) accepts them.
    static func advertised(in schema: JSONValue, type: ToolType, handler: String?) -> JSONValue {
        guard type == .streamProducer || type == .streamConsumer, handler == nil,
              var object = schema.objectValue, var properties = object["properties"]?.objectValue ?? (object["oneOf"] == nil ? [:] : nil)
        else { return schema }
        if properties["max_items"] == nil {
            properties["max_items"] = ["type": "integer", "minimum": 1,
                                       "description": "Stop after this many items (overrides the tool's own max_items)."]
        }
        if properties["duration_seconds"] == nil {
            properties["duration_seconds"] = ["type": "number", "exclusiveMinimum": 0,
                                              "description": "Stop after this many seconds (overrides the tool's own duration)."]
        }
        object["properties"] = .object(properties)
        return .object(object)
    }

    /// Refuses an unbounded run unless the caller can follow one.
    func requireBounded(unless allowed: Bool, kind: String, tool: String) throws(ToolHostError) {
        guard !allowed, !isBounded else { return }
        throw ToolHostError(.streamUnbounded,
                            "The \(kind) '\(tool)' has no bound, so this call would never answer: pass \"max_items\" or \"duration_seconds\" in the input (or give the tool's block a max_items or duration); only `toolhost run` follows a stream until it ends or Ctrl-C.")
    }
}

/// Why a stream run stopped, as its answer's `stopped` says.
public enum StreamStop: String, Sendable {
    case maxItems = "max_items"
    case duration
    /// The producer exited by itself (with status 0).
    case ended
    case cancelled
}
