import ToolHostCore

/// Which `toolhost serve` may run a `toolhost run`'s call in its place: one that would run it
/// exactly as the caller's own process would. That is one started with the same ToolHost
/// version, working directory, command-line selection (config file, tools directories), config
/// file contents and environment — the environment because config values expand variables,
/// libpq reads `PG*` and plugins inherit it. Only the variables that travel with each call
/// (`perCall`) and the shell's own bookkeeping (`ignored`) may differ.
///
/// The digest names the socket, so a caller finds the one server that matches it, or none,
/// with a single `connect`; the server checks the digest again on every request.
public struct HandOffIdentity: Sendable, Equatable {
    /// Lowercase hexadecimal SHA-256 of everything above.
    public let digest: String
    /// `<data directory>/run-<first 16 digits>.sock`.
    public let socketPath: String

    /// Sent with each request and applied to that call alone.
    public static let perCall: Set<String> = ["TRACEPARENT", "TRACESTATE", "TOOLHOST_AGENT_ID"]
    /// Changes nothing about how a call runs: the shell's bookkeeping (`PWD` follows the working
    /// directory, which counts itself) and the hand-off switch.
    public static let ignored: Set<String> = ["_", "SHLVL", "PWD", "OLDPWD", HandOffMode.variable]

    public init(selection: HostSelection, config: HostConfig, environment: [String: String],
                workingDirectory: String = FilePath.currentDirectory()) {
        var hasher = SHA256()
        func add(_ field: String) {
            hasher.update(field.utf8)
            hasher.update(CollectionOfOne(0))
        }
        add("toolhost hand-off 1")
        add(ToolHostVersion.current)
        add(workingDirectory)
        add(selection.configPath ?? "")
        add(selection.toolsDirectories.joined(separator: "\n"))
        add(selection.noCache ? "no-cache" : "cache")
        add(config.file ?? "")
        hasher.update((config.file.flatMap { try? FileIO.read($0) }) ?? [])
        hasher.update(CollectionOfOne(0))
        for (name, value) in environment.sorted(by: { $0.key < $1.key })
        where !Self.perCall.contains(name) && !Self.ignored.contains(name) {
            add("\(name)=\(value)")
        }
        digest = SHA256.hexDigits(of: hasher.finish())
        socketPath = FilePath.join(config.dataDirectory, "run-\(digest.prefix(16)).sock")
    }
}
