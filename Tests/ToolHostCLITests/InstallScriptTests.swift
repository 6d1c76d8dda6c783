import Foundation
import Testing
import ToolHostCore
import ToolHostTestSupport

/// `scripts/install.sh PREFIX`: a release build of both executables, each a single file, that
/// runs from PREFIX with nothing of the build around it.
///
/// One release build (its own build folder, `.build/install`, kept between runs: a clean build
/// takes 10 to 30 minutes on two busy cores, a rebuild after a change a few); run once per test
/// run, as CI runs the whole suite once.
@Suite("scripts/install.sh")
struct InstallScriptTests {
    static let repository = FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath)))

    @Test(.timeLimit(.minutes(60)))
    func installsBothExecutablesAsSingleFilesThatRunFromThePrefix() throws {
        let prefix = TemporaryDirectory()
        let binary = ToolHostBinary()
        // swift build inherits the test's environment (the toolchain on PATH, HOME's caches).
        var environment = ProcessInfo.processInfo.environment
        environment["TOOLHOST_BUILD_PATH"] = FilePath.join(Self.repository, ".build/install")
        let home = environment["HOME"] ?? NSHomeDirectory()
        for (name, folder) in [("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share")] where environment[name] == nil {
            environment[name] = FilePath.join(home, folder)  // SwiftPM's caches, not folders in the repository
        }
        let install = try binary.runProgram("/bin/bash", [FilePath.join(Self.repository, "scripts/install.sh"), prefix.url("p")],
                                            environment: environment, directory: Self.repository)
        #expect(install.status == 0, "\(install.stderr.suffix(3000))")

        let toolhost = prefix.url("p/bin/toolhost")
        let serve = prefix.url("p/bin/toolhost-serve")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: prefix.url("p/bin")))?.sorted()
        #expect(files == ["toolhost", "toolhost-serve"])

        // No Swift runtime library needed beside them: ldd finds nothing named libswift or Foundation.
        for program in [toolhost, serve] {
            let libraries = try binary.runProgram("/usr/bin/ldd", [program])
            #expect(libraries.status == 0)
            #expect(!libraries.stdoutText.contains("libswift") && !libraries.stdoutText.contains("libFoundation"), "\(libraries.stdoutText)")
            #expect(!libraries.stdoutText.contains("not found"), "\(libraries.stdoutText)")
        }

        // From an empty folder, with LD_LIBRARY_PATH empty: a tool call, and a call through
        // `toolhost serve --jsonl`, which runs the toolhost-serve installed beside it.
        let work = TemporaryDirectory()
        let scrubbed = ["LD_LIBRARY_PATH": ""]
        let version = try binary.runProgram(toolhost, ["--version"], environment: scrubbed, directory: work.path)
        let list = try binary.runProgram(toolhost, ["list"], environment: scrubbed, directory: work.path)
        let request = #"{"id": 1, "tool": "tools_manager", "input": {"operation": "list"}}"# + "\n"
        let served = try binary.runProgram(toolhost, ["serve", "--jsonl"], stdin: Array(request.utf8), environment: scrubbed, directory: work.path)
        let answer = try? JSONParser.parse(Array(served.stdout))
        let serveHelp = try binary.runProgram(serve, ["--help"], environment: scrubbed, directory: work.path)
        #expect(version.status == 0 && !version.stdoutText.isEmpty)
        #expect(list.status == 0 && list.stdoutText.contains("tools_manager"))
        #expect(served.status == 0, "\(served.stderr)")
        #expect(answer?["id"] == 1 && answer?["exit_code"] == 0 && answer?["result"]?["success"] == true, "\(served.stdoutText)")
        #expect(serveHelp.status == 0 && serveHelp.stdoutText.contains("--mcp"))
    }
}
