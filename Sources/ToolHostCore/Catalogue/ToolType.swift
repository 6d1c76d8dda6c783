/// What kind of tool a definition describes (its `type:`). Unknown types are kept, listed and
/// described, and refused only when someone tries to run them.
public enum ToolType: Hashable, Sendable, CustomStringConvertible {
    case executable, llm, custom, openapi, mcp, workflow, streamProducer, streamConsumer
    case other(String)

    public init(name: String) {
        switch name.lowercased() {
        case "executable": self = .executable
        case "llm": self = .llm
        case "custom": self = .custom
        case "openapi": self = .openapi
        case "mcp": self = .mcp
        case "workflow": self = .workflow
        case "stream_producer": self = .streamProducer
        case "stream_consumer": self = .streamConsumer
        default: self = .other(name)
        }
    }

    public var name: String {
        switch self {
        case .executable: "executable"
        case .llm: "llm"
        case .custom: "custom"
        case .openapi: "openapi"
        case .mcp: "mcp"
        case .workflow: "workflow"
        case .streamProducer: "stream_producer"
        case .streamConsumer: "stream_consumer"
        case .other(let name): name
        }
    }

    public var description: String { name }

    public var isKnown: Bool { if case .other = self { false } else { true } }
}
