/// One tool as loaded from its YAML file: identity, how to run it, and its normalised schema.
///
/// The id is the file stem (`tools/executable/postgres_client.yaml` → `postgres_client`);
/// `name` is only a display label. The whole document is kept so that `describe` can show every
/// descriptive key (tiers, examples, usage notes...) as written.
public struct ToolDefinition: Sendable {
    public let id: String
    public let name: String
    public let type: ToolType
    public let description: String
    public let tags: [String]
    /// The Swift handler that runs this tool in-process, when it names one.
    public let handler: String?
    /// How to run it as a child process, when it says.
    public let executable: ExecutableSpec?
    /// The input schema as JSON Schema (always an object schema).
    public let inputSchema: JSONValue
    public let outputSchema: JSONValue?
    /// What the tool says it does (MCP hints, per operation): the policy's `ToolNature`.
    public let annotations: ToolAnnotations
    /// The YAML document as parsed.
    public let document: JSONObject
    /// Absolute path of the YAML file.
    public let file: String
    /// The configured tools directory the file was found under (`{tools_dir}`).
    public let toolsDirectory: String
    /// The conventions of that directory: where the plugin runs, what `{tool_dir}` means.
    public let layout: ToolLayout
    /// Problems found while reading the definition (none stop it from loading).
    public internal(set) var diagnostics: [Diagnostic]
    /// The Python class a `type: custom` tool runs (`CustomClassSpec`), when it says.
    public internal(set) var custom: CustomClassSpec? = nil

    public init(id: String, name: String, type: ToolType, description: String, tags: [String], handler: String?,
                executable: ExecutableSpec?, inputSchema: JSONValue, outputSchema: JSONValue?,
                annotations: ToolAnnotations = ToolAnnotations(), document: JSONObject, file: String, toolsDirectory: String, layout: ToolLayout = .toolhost,
                diagnostics: [Diagnostic]) {
        self.id = id
        self.name = name
        self.type = type
        self.description = description
        self.tags = tags
        self.handler = handler
        self.executable = executable
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.document = document
        self.file = file
        self.toolsDirectory = toolsDirectory
        self.layout = layout
        self.diagnostics = diagnostics
    }

    /// The nature of a call with this `input` (its `operation`, when it names one).
    public func nature(of input: JSONObject) -> ToolNature {
        annotations.nature(of: input["operation"]?.stringValue)
    }

    /// The values of the input's `operation` enum, when the schema has one (multi-operation tools).
    public var operationNames: [String]? { Self.operationNames(in: inputSchema) }

    static func operationNames(in inputSchema: JSONValue) -> [String]? {
        inputSchema["properties"]?["operation"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
    }

    /// `timeout` (seconds) or `timeout_ms` in the block named after the tool's type
    /// (`llm: {timeout: 120}`), else at the top of the document; nil when neither is a
    /// positive number.
    public var declaredTimeoutSeconds: Double? {
        func seconds(in object: JSONObject?) -> Double? {
            guard let object else { return nil }
            if let value = object["timeout"]?.numberValue, value > 0 { return value }
            if let value = object["timeout_ms"]?.numberValue, value > 0 { return value / 1000 }
            return nil
        }
        return seconds(in: document[type.name]?.objectValue) ?? seconds(in: document)
    }

    /// The folder of the YAML file.
    public var directory: String { FilePath.directory(of: file) }

    /// How this host would run the tool, or why it cannot.
    public enum Runner: Sendable, Equatable {
        case handler(String)
        case plugin
        /// Steps run in order through the invoker (`WorkflowRunner`).
        case workflow
        /// A `type: custom` tool's Python class, run by ToolHost's harness as a plugin.
        case customClass(CustomClassSpec)
        /// The handler registered for its type (`HandlerRegistry.register(_:for:)`), which reads
        /// the type's own block (`llm:`, `openapi:`, `mcp:`) from the document.
        case typeHandler(ToolType)
        /// A long-running plugin whose stdout lines are items (`StreamProducerRunner`).
        case streamProducer
        /// Items of a producer or a Redis stream, each passed to a tool (`StreamConsumerRunner`).
        case streamConsumer
        case unsupported(reason: String)
    }

    public var runner: Runner {
        if !type.isKnown { return .unsupported(reason: "its type '\(type)' is not one ToolHost knows") }
        if let handler { return .handler(handler) }
        switch type {
        case .executable, .custom:
            if executable != nil { return .plugin }
            if let custom { return .customClass(custom) }
            if type == .custom { return .unsupported(reason: "it has neither a 'custom' block with 'module' and 'class' nor an 'executable' block") }
            return .unsupported(reason: "it has no 'executable' block with a command")
        case .workflow:
            return .workflow
        case .llm, .openapi, .mcp:
            return .typeHandler(type)
        case .streamProducer:
            if executable != nil { return .streamProducer }
            return .unsupported(reason: "a stream producer needs an 'executable' block: its command's stdout lines are the items")
        case .streamConsumer:
            return .streamConsumer
        default:
            return .unsupported(reason: "ToolHost cannot run tools of type '\(type)' yet")
        }
    }
}
