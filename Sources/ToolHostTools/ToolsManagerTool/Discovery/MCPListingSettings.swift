import ToolHostCore

/// What `toolhost serve --mcp` lists: every tool (`all`, the default), or only the meta-tools
/// `find_tools`, `describe_tool` and `call_tool` (`search`), so that an agent facing a large
/// catalogue spends its context on the few tools it needs instead of every schema (a 250-tool
/// `tools/list` is 20–30k tokens); `auto` lists everything up to `listing_threshold` tools and
/// the meta-tools above it.
///
/// ```yaml
/// service:
///   mcp:
///     listing: auto            # all | search | auto   (TOOLHOST_MCP_LISTING)
///     listing_threshold: 100
/// ```
public struct MCPListingSettings: ConfigSection {
    public enum Listing: String, CaseIterable, Sendable {
        case all, search, auto
    }

    public var listing = Listing.all
    /// Above this many tools, `auto` lists the meta-tools.
    public var threshold = 100

    public init() {}

    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        self.init()
        if let text = reader.string("service.mcp.listing", env: "TOOLHOST_MCP_LISTING") {
            if let value = Listing(rawValue: text.lowercased()) {
                listing = value
            } else {
                reader.report("service.mcp.listing must be one of \(Listing.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
        }
        threshold = reader.integer("service.mcp.listing_threshold", default: threshold)
        if threshold < 0 {
            reader.report("service.mcp.listing_threshold must be 0 or more, not \(threshold)")
        }
    }

    /// Whether a catalogue of `toolCount` tools is listed as the meta-tools.
    public func listsMetaTools(toolCount: Int) -> Bool {
        switch listing {
        case .all: false
        case .search: true
        case .auto: toolCount > threshold
        }
    }
}
