#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostStorage
import ToolHostTools

/// `toolhost audit verify`: checks the hash chain of the audit log, in the table and the file.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit log of every call (audit.enabled, audit.table, audit.file).",
        subcommands: [Verify.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that no entry of the audit log was changed, removed or reordered.",
            discussion: """
                Each entry carries the SHA-256 of the entry before it and of itself; an edit, a \
                deletion or a reordering breaks the chain at that entry. Checks the \
                toolhost_audit_log table of the configured database (unless audit.table is \
                off) and the audit.file when one is set; --file checks only that file. Exits 1 \
                and names the first broken entry (its seq in the table, its line in a file), 0 \
                when every chain holds.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Print JSON.") var json = false
        @Option(name: .long, help: ArgumentHelp("Check only this JSONL audit file.", valueName: "file"), completion: .file()) var file: String?

        /// One store's chain and what its check found.
        private struct Checked {
            let store: JSONObject
            let verification: AuditChain.Verification
            /// "table toolhost_audit_log, seq 4" / "/path/audit.jsonl, line 4"
            let place: (Int) -> String
        }

        func run() throws {
            let config = try global.loadConfigOrExit()
            var checked: [Checked] = []
            do {
                if let file {
                    checked.append(try check(AuditFile(path: FilePath.absolute(file))))
                } else {
                    if config.audit.usesTable { checked.append(try checkTable(config)) }
                    if let path = config.audit.file { checked.append(try check(AuditFile(path: path))) }
                }
            } catch {
                throw Console.fail(error)
            }
            guard !checked.isEmpty else {
                throw Console.fail(ToolHostError(.invalidInput, "Nothing to check: audit.table is off and no audit.file is set; name one with --file."))
            }
            report(checked)
            if checked.contains(where: { $0.verification.problem != nil }) { throw ExitCode(1) }
        }

        private func checkTable(_ config: HostConfig) throws(ToolHostError) -> Checked {
            let verification = try Database.shared(for: config.database).withDatabaseConnection { connection throws(DatabaseError) in
                try AuditTable().verify(on: connection)
            }
            return Checked(store: ["store": "table", "table": .string(AuditSchema.table.description)], verification: verification,
                           place: { "table \(AuditSchema.table), seq \($0)" })
        }

        private func check(_ log: AuditFile) throws(ToolHostError) -> Checked {
            Checked(store: ["store": "file", "file": .string(log.path)], verification: try log.verify(),
                    place: { "\(log.path), line \($0)" })
        }

        private func report(_ checked: [Checked]) {
            guard json else {
                for item in checked {
                    let name = item.store["file"]?.stringValue ?? "table \(AuditSchema.table)"
                    if let problem = item.verification.problem {
                        Console.print("\(item.place(problem.position)) \(problem.reason); the \(item.verification.entries) entries before it hold",
                                      to: STDERR_FILENO)
                    } else {
                        Console.print("\(name): \(item.verification.entries) entries, chain intact")
                    }
                }
                return
            }
            var answer: JSONObject = ["success": .bool(!checked.contains { $0.verification.problem != nil })]
            var stores: [JSONValue] = []
            for item in checked {
                var store = item.store
                store["entries"] = .int(item.verification.entries)
                if let problem = item.verification.problem {
                    store["broken_at"] = .int(problem.position)
                    store["error"] = .string("\(item.place(problem.position)) \(problem.reason).")
                    if answer["error"] == nil {
                        answer["error_code"] = "audit_chain_broken"
                        answer["error"] = store["error"]
                    }
                }
                stores.append(.object(store))
            }
            answer["checked"] = .array(stores)
            Console.print(JSONWriter.string(.object(answer)))
        }
    }
}
