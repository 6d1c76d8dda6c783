/// The `stream:` block of a `type: stream_producer` tool: its bounds and how its stdout lines
/// become items. The process itself is the tool's `executable:` block, run like any plugin.
///
/// ```yaml
/// type: stream_producer
/// executable: {command: python3, args: ["{tool_dir}/ticker.py"]}
/// stream: {max_items: 100, duration: 60, item_format: json}
/// ```
///
/// Every block key is optional: without bounds the producer runs until it ends (or Ctrl-C), and
/// only `toolhost run` may call it so.
public struct StreamProducerSpec: Sendable {
    /// How a stdout line becomes an item.
    public enum ItemFormat: String, Sendable {
        /// A line that is JSON is the item; any other line is `{"text": line}`.
        case json
        /// Every line is `{"text": line}`, even one that looks like JSON.
        case text
    }

    public var bounds = StreamBounds()
    public var itemFormat = ItemFormat.json

    /// The spec, or nil with the errors that make it unusable.
    public static func decode(_ document: JSONObject) -> (spec: StreamProducerSpec?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var spec = StreamProducerSpec()
        switch document["stream"] {
        case nil, .null?:
            break
        case .object(let block)?:
            spec.bounds = StreamBounds.decode(block, at: "/stream", diagnostics: &diagnostics)
            if let value = block["item_format"], !value.isNull {
                if let name = value.stringValue, let format = ItemFormat(rawValue: name.lowercased()) { spec.itemFormat = format } else {
                    diagnostics.append(.error("'item_format' must be json or text, not \(value.description.clipped)", at: "/stream/item_format"))
                }
            }
        case let other?:
            diagnostics.append(.error("'stream' must be a mapping (max_items, duration, item_format), not \(other.typeName)", at: "/stream"))
        }
        let usable = !diagnostics.contains { $0.severity == .error }
        return (usable ? spec : nil, diagnostics)
    }
}
