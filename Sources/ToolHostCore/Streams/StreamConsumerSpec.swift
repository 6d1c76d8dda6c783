/// The `consumer:` block of a `type: stream_consumer` tool: where its items come from, which
/// pass, and the tool each passing item is given to.
///
/// ```yaml
/// type: stream_consumer
/// consumer:
///   source: {tool: ticker, input: {symbol: ACME}}       # a stream producer, run for the call
///   # source: {redis_stream: "toolhost:stream:ticker", from: "$"}   # or a Redis stream
///   tool: record_price                                   # called once per passing item
///   filter: {kind: trade}                                # or "price > 10", "kind == 'trade' and urgent"
///   input: {symbol: "{{item.symbol}}", price: "{{item.price}}", note: "{{input.note}}"}
///   max_items: 100                                       # items read
///   duration: 30                                         # seconds
/// ```
///
/// `input:` uses the workflow placeholders (`WorkflowTemplate`) over `item` (the item) and
/// `input` (the consumer call's input); without it an object item is the tool's input as is.
public struct StreamConsumerSpec: Sendable {
    public enum Source: Sendable, Equatable {
        /// A stream producer of the catalogue, with the input it is called with.
        case tool(id: String, input: JSONObject)
        case redis(key: String, from: StreamPosition)
    }

    public let source: Source
    /// The catalogue id each passing item is given to.
    public let tool: String
    public let filter: StreamFilter
    /// The tool's input per item; nil: the item itself.
    public let input: JSONObject?
    public let bounds: StreamBounds

    /// The spec, or nil with the errors that make it unusable.
    public static func decode(_ document: JSONObject) -> (spec: StreamConsumerSpec?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        guard case .object(let block)? = document["consumer"] else {
            return (nil, [.error("a stream consumer needs a 'consumer' mapping with a 'source' and a 'tool'", at: "/consumer")])
        }
        let source = decodeSource(block["source"], diagnostics: &diagnostics)
        let tool = block["tool"]?.stringValue
        if tool?.isEmpty != false {
            diagnostics.append(.error("'consumer.tool' must name the tool each item is given to", at: "/consumer/tool"))
        }
        var filter = StreamFilter.all
        if let value = block["filter"], !value.isNull {
            do {
                filter = try StreamFilter(value)
            } catch {
                diagnostics.append(.error("'consumer.filter' \(error.reason)", at: "/consumer/filter"))
            }
        }
        var input: JSONObject?
        switch block["input"] {
        case nil, .null?: break
        case .object(let mapping)?:
            input = mapping
            for reference in WorkflowTemplate.references(in: .object(mapping)) where !Self.readsItemOrInput(reference.path) {
                diagnostics.append(.error("'{{\(reference.path)}}' reads neither 'item' nor 'input'", at: "/consumer/input"))
            }
        case let other?:
            diagnostics.append(.error("'consumer.input' must be a mapping, not \(other.typeName)", at: "/consumer/input"))
        }
        let bounds = StreamBounds.decode(block, at: "/consumer", diagnostics: &diagnostics)
        guard let source, let tool, !tool.isEmpty, !diagnostics.contains(where: { $0.severity == .error }) else { return (nil, diagnostics) }
        return (StreamConsumerSpec(source: source, tool: tool, filter: filter, input: input, bounds: bounds), diagnostics)
    }

    private static func readsItemOrInput(_ path: String) -> Bool {
        ["item", "input"].contains { path == $0 || path.hasPrefix($0 + ".") }
    }

    private static func decodeSource(_ value: JSONValue?, diagnostics: inout [Diagnostic]) -> Source? {
        let shape = "'consumer.source' must be {tool: <producer id>} or {redis_stream: <key>, from: \"$\" or \"0\"}"
        guard case .object(let source)? = value else {
            diagnostics.append(.error(shape, at: "/consumer/source"))
            return nil
        }
        if let id = source["tool"]?.stringValue, !id.isEmpty, source["redis_stream"] == nil {
            switch source["input"] {
            case nil, .null?: return .tool(id: id, input: [:])
            case .object(let input)?: return .tool(id: id, input: input)
            case let other?:
                diagnostics.append(.error("'consumer.source.input' must be a mapping, not \(other.typeName)", at: "/consumer/source/input"))
                return nil
            }
        }
        if let key = source["redis_stream"]?.stringValue, !key.isEmpty, source["tool"] == nil {
            var from = StreamPosition.newOnly
            if let value = source["from"], !value.isNull {
                let text = value.stringValue ?? value.integerValue.map(String.init)
                guard let text, let position = StreamPosition(rawValue: text) else {
                    diagnostics.append(.error("'consumer.source.from' must be \"$\" (new items only) or \"0\" (the whole stream), not \(value.description.clipped)",
                                              at: "/consumer/source/from"))
                    return nil
                }
                from = position
            }
            return .redis(key: key, from: from)
        }
        diagnostics.append(.error(shape, at: "/consumer/source"))
        return nil
    }
}
