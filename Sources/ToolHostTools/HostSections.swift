import ToolHostCore
import ToolHostMemory
import ToolHostNetwork

/// The subsystems' own settings sections (`ConfigSection`) that a ToolHost process reads from
/// its config file besides Core's: every executable loads its config with these.
public enum HostSections {
    public static let all: [any ConfigSection.Type] = [StreamingSettings.self, MemorySettings.self, LLMSettings.self, NetworkSettings.self,
                                                       OpenAPISettings.self, MCPSettings.self, MCPListingSettings.self, TraceSettings.self,
                                                       LogSettings.self]
}
