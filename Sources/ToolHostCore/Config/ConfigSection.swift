/// A subsystem's own settings (semantic memory's `memory:`, the training stream's `streaming:`):
/// the subsystem declares and reads them, Core only hands it the reader over the file and the
/// environment, so Core knows no embedder, pgvector or Redis field.
///
/// ```swift
/// extension StreamingSettings: ConfigSection {
///     public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
///         self.init()
///         url = reader.string("streaming.url", env: "TOOLHOST_REDIS_URL") ?? url
///     }
/// }
/// let config = try ConfigLoader.load(sections: [StreamingSettings.self])
/// config[section: StreamingSettings.self].url
/// ```
/// A section the loader was not given reads as its defaults (`init()`).
public protocol ConfigSection: Sendable {
    /// The defaults, for a host with no config file or a loader not given this section.
    init()
    /// Reads the section; a wrong value is `reader.report(...)`ed, naming its key, and makes
    /// loading fail with every problem listed.
    init(reading reader: inout ConfigReader, context: ConfigSectionContext)
}

/// What a section needs besides its keys: the environment (API keys by variable name) and
/// how to make its relative paths absolute.
public struct ConfigSectionContext: Sendable {
    public let environment: [String: String]
    /// The folder a relative path set by `variable` (when set) or by the file is taken from.
    public let baseDirectory: @Sendable (_ overriddenBy: String) -> String
}

extension HostConfig {
    /// A subsystem's settings as loaded (its defaults when it was not loaded).
    public subscript<Section: ConfigSection>(section type: Section.Type) -> Section {
        get { sections[ObjectIdentifier(type)] as? Section ?? Section() }
        set { sections[ObjectIdentifier(type)] = newValue }
    }
}
