import ToolHostCore

/// Which hosts the tools that reach the network (`openapi`, and any other HTTP tool) may call:
/// `network.allowed_hosts` (environment: `TOOLHOST_ALLOWED_HOSTS`, comma-separated).
///
/// ```yaml
/// network:
///   allowed_hosts: [localhost, 127.0.0.1, "*.example.org"]
/// ```
/// Empty (the default) allows every host. A name matches exactly, case-insensitively;
/// `*.example.org` matches any name under example.org (`api.example.org`, `a.b.example.org`)
/// but not example.org itself, which is listed on its own when wanted.
public struct NetworkSettings: Sendable, Equatable {
    public var allowedHosts: [String] = []

    public init() {}

    public init(allowedHosts: [String]) {
        self.allowedHosts = allowedHosts
    }

    /// Whether a call may reach `host` (a name or an address, without port or brackets).
    public func allows(host: String) -> Bool {
        guard !allowedHosts.isEmpty else { return true }
        let host = host.lowercased()
        return allowedHosts.contains { pattern in
            let pattern = pattern.lowercased()
            if pattern == "*" { return true }
            if pattern.hasPrefix("*.") { return host.hasSuffix(String(pattern.dropFirst())) && host.count > pattern.count - 1 }
            return host == pattern
        }
    }

    /// The refusal of a call to `host` by `toolID`: `host_not_allowed`, saying where to allow it.
    public func refusal(host: String, toolID: String) -> ToolHostError {
        ToolHostError(.hostNotAllowed,
                      "Tool '\(toolID)' may not reach \(host): network.allowed_hosts lists only \(allowedHosts.joined(separator: ", ")); add the host there to allow it.",
                      details: ["host": .string(host)])
    }
}

extension NetworkSettings: ConfigSection {
    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        self.init()
        allowedHosts = (reader.stringList("network.allowed_hosts", env: "TOOLHOST_ALLOWED_HOSTS") ?? [])
            .map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        for pattern in allowedHosts where pattern.contains("/") || pattern.filter({ $0 == ":" }).count == 1 {
            reader.report("network.allowed_hosts lists \(pattern.count > 60 ? String(pattern.prefix(57)) + "..." : pattern); give host names or addresses only, without scheme, port or path")
        }
    }
}

extension HostConfig {
    /// The hosts network tools may reach (`network:`), as loaded.
    public var network: NetworkSettings {
        get { self[section: NetworkSettings.self] }
        set { self[section: NetworkSettings.self] = newValue }
    }
}
