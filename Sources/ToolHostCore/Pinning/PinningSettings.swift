/// What a host does with a tool whose definition changed since it was approved
/// (`tools.pinning.run` / `tools.pinning.serve`).
public enum PinningMode: String, Sendable, CaseIterable {
    /// No check at all: the approvals file is not even read.
    case off
    /// Run the tool, with one warning naming the file and `toolhost approve ID`.
    case warn
    /// Refuse the call (`tool_changed`) until the tool is approved again.
    case refuse
}

/// `tools.pinning`: the mode of each kind of front end. By default a person at a terminal
/// (`toolhost run`) is warned, and a long-lived server that an agent drives refuses.
public struct PinningSettings: Sendable, Equatable {
    public var run: PinningMode = .warn
    public var serve: PinningMode = .refuse

    public init(run: PinningMode = .warn, serve: PinningMode = .refuse) {
        self.run = run
        self.serve = serve
    }
}
