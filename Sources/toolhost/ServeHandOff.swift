#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
import ToolHostCore

/// `toolhost serve ...` runs `toolhost-serve ...`, the program installed next to this one.
///
/// The servers live in their own executable because the MCP SDK and Hummingbird link all of
/// Foundation: linked here, they would slow the start of every `toolhost run`, the path an
/// agent pays on each call.
enum ServeHandOff {
    static func exec(_ arguments: [String]) -> Never {
        let program = FilePath.join(FilePath.directory(of: currentExecutable()), "toolhost-serve")
        var argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(program, &argv)
        let reason = String(cString: strerror(errno))
        let error = ToolHostError(.commandNotFound, errno == ENOENT
            ? "toolhost serve needs the toolhost-serve program next to toolhost, and \(program) does not exist (build it with `swift build -c release --product toolhost-serve`)."
            : "Cannot start \(program): \(reason).")
        Console.print("toolhost: error: \(error.message)", to: STDERR_FILENO)
        Console.exit(error.exitCode)
    }

    /// This program's own path (what /proc/self/exe points to), else argv[0].
    private static func currentExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return FilePath.absolute(CommandLine.arguments[0]) }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Listed in `toolhost --help`; `toolhost serve` itself never reaches ArgumentParser here.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run ToolHost as a long-lived service: --jsonl, --mcp or --http (see `toolhost serve --help`)."
    )

    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    func run() throws { ServeHandOff.exec(arguments) }
}
