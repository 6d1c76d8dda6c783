/// A tool definition compiled into the binary, so the tools ToolHost ships are in every
/// catalogue with no configuration at all (`toolhost run bulk_data_store` from any folder, an
/// MCP client's `tools/list`).
///
/// Built-in definitions come before every tools directory: a YAML of the same id on a
/// configured path overrides one on purpose, and `list`/`describe` say so.
public struct BuiltinTool: Sendable {
    public let id: String
    public let yaml: [UInt8]
    /// The definition's place in the catalogue: before the first tools directory. Its size and
    /// "modification time" (a hash of the text) let the catalogue cache keep its parsed form
    /// like a file's, and drop it when a new binary brings another text.
    public let file: ToolFile

    public init(id: String, yaml: [UInt8]) {
        self.id = id
        self.yaml = yaml
        file = ToolFile(path: "\(Self.directory)/\(id).yaml", id: id, rootIndex: -1, root: Self.directory,
                        size: Int64(yaml.count), modified: Int64(bitPattern: CatalogueCache.fnv1a(yaml)))
    }

    /// The folder name shown for built-in definitions (in `file`, and in override notes).
    public static let directory = "<built-in>"
}

extension ToolDefinition {
    /// Whether this definition is the one compiled into the binary.
    public var isBuiltin: Bool { toolsDirectory == BuiltinTool.directory }
}
