#if canImport(Glibc)
import Glibc
#endif
import ToolHostCommandLine
import ToolHostCore

/// How `toolhost run` shows a stream producer: each item as one JSON line on stdout the moment
/// it arrives (written unbuffered); how it ended goes to stderr. A failure (refused input, a
/// producer that failed) also ends stdout with ToolHost's error answer, as every `run` does, so a
/// program reading only stdout learns why the stream stopped.
enum StreamLinePrinter {
    @Sendable static func print(_ item: JSONValue) {
        Console.printJSON(item)
    }

    /// Reports the end on stderr; returns the exit status: 0 after `max_items`, `duration` or
    /// the producer's own end, 130 after a cancellation (the caller replaces it with 128 + the
    /// signal), the failure's status otherwise (the producer's own when it failed).
    static func finish(_ result: ToolInvoker.Result, tool: String) -> Int32 {
        switch result {
        case .answer(let answer):
            let count = answer["count"]?.integerValue ?? 0
            let stopped = answer["stopped"]?.stringValue ?? "ended"
            Console.print("toolhost: stream '\(tool)': \(count) item\(count == 1 ? "" : "s"), stopped: \(stopped)", to: STDERR_FILENO)
            return stopped == "cancelled" ? 130 : 0
        case .failure(let error):
            Console.printJSON(error.answer)
            Console.print("toolhost: error: \(error.message)", to: STDERR_FILENO)
            if error.code == .pluginFailed, let status = error.details["exit_code"]?.integerValue, status > 0, status < 256 { return Int32(status) }
            return error.exitCode
        case .plugin(let run):
            Console.write(run.outcome.stdout)
            return run.exitCode
        }
    }
}
