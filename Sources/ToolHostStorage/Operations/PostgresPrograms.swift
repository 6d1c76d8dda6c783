import ToolHostCore

/// PostgreSQL's client programs (pg_dump, pg_restore, psql): where they are, and running one.
public struct PostgresPrograms: Sendable {
    /// The folder they were found in.
    public let directory: String

    /// Looks in `directory` when given, else `$TOOLHOST_PG_BINDIR`, `pg_config --bindir`, the
    /// newest `/usr/lib/postgresql/*/bin` (Debian), then `PATH`. pg_dump must be at least as new
    /// as the server, which is why the newest installed version comes before `PATH` (on Debian a
    /// wrapper script that picks a version by cluster).
    public static func locate(in directory: String? = nil) throws(ToolHostError) -> PostgresPrograms {
        let environment = ProcessEnvironment.current()
        var candidates: [String] = []
        if let directory { candidates.append(directory) } else {
            if let variable = environment["TOOLHOST_PG_BINDIR"], !variable.isEmpty { candidates.append(variable) }
            if let bindir = pgConfigBindir(environment) { candidates.append(bindir) }
            candidates += debianVersionFolders()
            candidates += (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        }
        for folder in candidates where ["pg_dump", "pg_restore", "psql"].allSatisfy({ FileIO.isExecutableFile(FilePath.join(folder, $0)) }) {
            return PostgresPrograms(directory: folder)
        }
        let looked = directory.map { "in \($0)" } ?? "(looked in $TOOLHOST_PG_BINDIR, pg_config --bindir, /usr/lib/postgresql/*/bin and PATH)"
        throw ToolHostError(.commandNotFound, "pg_dump, pg_restore and psql were not found \(looked): install the PostgreSQL client programs (Debian: apt-get install postgresql-client) or pass --pg-bindir DIR.")
    }

    /// Runs `program` with `arguments` and the target's environment; fails with the program's
    /// first error line. `activity` begins the error sentence ("Dumping schema public").
    @discardableResult
    public func run(_ program: String, _ arguments: [String], target: PostgresTarget, activity: String) throws(ToolHostError) -> [UInt8] {
        var environment = ProcessEnvironment.current()
        for (name, value) in target.environment { environment[name] = value }
        let path = FilePath.join(directory, program)
        let request = ProcessRequest(executablePath: path, arguments: [path] + arguments,
                                     environment: environment.map { "\($0.key)=\($0.value)" },
                                     workingDirectory: FilePath.currentDirectory(), input: nil,
                                     timeoutSeconds: 7 * 24 * 3600, maxOutputBytes: 64 << 20)
        let outcome = try ProcessRunner.run(request)
        guard outcome.exitStatus == 0 else {
            let lines = String(decoding: outcome.stderr, as: UTF8.self).split(separator: "\n").map(String.init)
            let reason = lines.first { $0.contains("error") || $0.contains("ERROR") || $0.contains("FATAL") } ?? lines.first ?? "exit status \(outcome.exitStatus)"
            throw ToolHostError(.backupFailed, "\(activity) failed: \(reason.trimmingSpaces).", details: ["program": .string(program), "exit_status": .int(Int(outcome.exitStatus))])
        }
        return outcome.stdout
    }

    private static func pgConfigBindir(_ environment: [String: String]) -> String? {
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) {
            let path = FilePath.join(folder, "pg_config")
            guard FileIO.isExecutableFile(path) else { continue }
            let request = ProcessRequest(executablePath: path, arguments: [path, "--bindir"], environment: ["PATH=/usr/bin:/bin"],
                                         workingDirectory: "/", input: nil, timeoutSeconds: 10)
            guard let outcome = try? ProcessRunner.run(request), outcome.exitStatus == 0 else { return nil }
            let text = String(decoding: outcome.stdout, as: UTF8.self).trimmingSpaces
            return text.isEmpty ? nil : text
        }
        return nil
    }

    /// `/usr/lib/postgresql/<version>/bin`, newest first.
    private static func debianVersionFolders() -> [String] {
        (10...30).reversed().map { "/usr/lib/postgresql/\($0)/bin" }.filter(FileIO.isDirectory)
    }
}
