#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
import ToolHostCore

/// `toolhost audit verify`: checks the hash chain of the audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit log of every call (audit.enabled, audit.file).",
        subcommands: [Verify.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that no entry of the audit log was changed, removed or reordered.",
            discussion: """
                Each entry carries the SHA-256 of the entry before it and of itself; an edit, a \
                deletion or a reordering breaks the chain at that entry. Exits 1 and names the \
                first broken line, 0 when the whole chain holds.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Print JSON.") var json = false
        @Option(name: .long, help: ArgumentHelp("The log to check (default: audit.file).", valueName: "file")) var file: String?

        func run() throws {
            let config = try global.loadConfigOrExit()
            let log = AuditLog(path: file.map { FilePath.absolute($0) } ?? config.audit.file)
            let verification: AuditLog.Verification
            do {
                verification = try log.verify()
            } catch {
                throw Console.fail(error)
            }
            if json {
                var answer: JSONObject = ["success": .bool(verification.problem == nil), "file": .string(log.path), "entries": .int(verification.entries)]
                if let problem = verification.problem {
                    answer["error_code"] = "audit_chain_broken"
                    answer["line"] = .int(problem.line)
                    answer["error"] = .string("Line \(problem.line) \(problem.reason).")
                }
                Console.print(JSONWriter.string(.object(answer)))
            } else if let problem = verification.problem {
                Console.print("\(log.path): line \(problem.line) \(problem.reason); the \(verification.entries) entries before it hold", to: STDERR_FILENO)
            } else {
                Console.print("\(log.path): \(verification.entries) entries, chain intact")
            }
            if verification.problem != nil { throw ExitCode(1) }
        }
    }
}
