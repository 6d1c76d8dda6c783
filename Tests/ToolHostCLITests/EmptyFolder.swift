import Foundation
import ToolHostCore
import ToolHostTestSupport

/// ToolHost as a stranger starts it: in an empty folder, with no config and no tools path. The
/// user's home and XDG folders are folders of the test's own, outside the working folder, so a
/// test can show that nothing is written where ToolHost was started.
struct EmptyFolder {
    let root = TemporaryDirectory()
    let binary = ToolHostBinary()

    init() {
        try? FileManager.default.createDirectory(atPath: root.url("work"), withIntermediateDirectories: true)
    }

    /// The folder ToolHost is started in.
    var work: String { root.url("work") }

    /// Where ToolHost keeps its data when nothing says otherwise (`$XDG_DATA_HOME/toolhost`).
    var dataDirectory: String { root.url("home/.local/share/toolhost") }

    /// HOME and the XDG folders under `root/home`, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let home = root.url("home")
        return ["HOME": home, "XDG_DATA_HOME": FilePath.join(home, ".local/share"), "XDG_CONFIG_HOME": FilePath.join(home, ".config"),
                "XDG_CACHE_HOME": FilePath.join(home, ".cache")].merging(extra) { $1 }
    }

    func run(_ arguments: [String], input: String? = nil, environment extra: [String: String] = [:]) throws -> ToolHostBinary.Result {
        try binary.run(arguments, stdin: input.map { Array($0.utf8) }, environment: environment(extra), directory: work)
    }

    /// Starts a long-lived `toolhost` (a server, a call to signal) in the working folder.
    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> RunningProcess {
        try RunningProcess(binary.path, arguments, environment: environment(extra), directory: work)
    }

    /// What the working folder holds (it should stay as the test left it).
    var workContents: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: work)) ?? []).sorted()
    }
}
