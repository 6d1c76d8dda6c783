/// Where paths given in tool inputs may point (`files:` in config).
///
/// A tool's input can come from an LLM agent over MCP or HTTP, possibly prompt-injected: a path
/// in it (an export's `output_path`, retention's `archive_dir`) must not reach the user's
/// config, keys or code. Such paths resolve inside these folders; the CLI's own options
/// (`toolhost export --out`) are the user's and stay free.
public struct FileSettings: Sendable, Equatable {
    /// Where exports named by a tool input are written; a relative `output_path` lands here.
    /// Default: `exports/` in the data directory.
    public var exportDirectory: String
    /// Further folders tool inputs may write into (absolute paths inside them are accepted).
    public var writableDirectories: [String] = []
    /// Folders whose files tool inputs may read (`audio_features`' `path`): the working
    /// directory unless configured, so a remote caller cannot make a tool read the user's
    /// keys or config from elsewhere.
    public var inputDirectories: [String] = [FilePath.currentDirectory()]
    /// The largest resource one MCP `resources/read` answers (an export, a tool's file, an
    /// artifact's JSON), in bytes: bigger ones are refused with a sentence. Default 8 MiB.
    public var resourceReadMaxBytes = 8 * 1024 * 1024

    public init(exportDirectory: String) { self.exportDirectory = exportDirectory }
}
