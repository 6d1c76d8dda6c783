import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// Restores a `PostgresBackupFolder` into the configured database, in one transaction.
///
/// Each archive is turned into SQL by pg_restore (no owners, no privileges: the configured
/// user owns what it restores), and psql runs all of it after a prelude that empties the
/// schemas being restored, as one transaction: it succeeds whole or changes nothing. Schemas
/// that are not in the backup are left alone; in `public` only objects that belong to an
/// extension (pg_trgm, vector) stay, and the extensions the backup used are created if missing.
enum PostgresRestore {
    static func restore(_ settings: DatabaseSettings, from source: String, safetyCopy: String?,
                        programs: PostgresPrograms, knownMigration: Int) throws(ToolHostError) -> RestoreReport {
        let started = MonotonicClock.now()
        let manifest = try readManifest(source)
        let version = manifest["migration_version"]?.integerValue ?? 0
        try Compatibility.check(backupVersion: version, known: knownMigration, source: source)
        let parts = (manifest["parts"]?.arrayValue ?? []).compactMap { part -> (schema: String, file: String)? in
            guard let schema = part["schema"]?.stringValue, let file = part["file"]?.stringValue, !file.contains("/") else { return nil }
            return (schema, FilePath.join(source, file))
        }
        for part in parts where !FileIO.isFile(part.file) {
            throw ToolHostError(.notABackup, "\(source) is incomplete: \(part.file) (schema \(part.schema)) is missing.")
        }
        var saved: String?
        if let safetyCopy {
            _ = try PostgresBackupFolder.backup(settings, to: safetyCopy, programs: programs)
            saved = safetyCopy
        }
        let work = FilePath.join(ProcessEnvironment.current()["TMPDIR"] ?? "/tmp", "toolhost-restore-\(getpid())")
        DurableFile.remove(work)
        guard mkdir(work, 0o700) == 0 else {
            throw ToolHostError(.ioError, "Cannot create the work folder \(work): \(String(cString: strerror(errno))).")
        }
        defer { DurableFile.remove(work) }
        let target = PostgresTarget(settings)
        var scripts = [FilePath.join(work, "0-prelude.sql")]
        try write(prelude(schemas: parts.map(\.schema), extensions: manifest["extensions"]?.arrayValue ?? []), to: scripts[0])
        for (index, part) in parts.enumerated() {
            // The archive of `public` would CREATE SCHEMA public, which stays: leave that entry out.
            let listing = String(decoding: try programs.run("pg_restore", ["--list", part.file], target: target, activity: "Reading \(part.file)"), as: UTF8.self)
            let kept = listing.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
                !(line.contains(" SCHEMA - public ") || line.contains(" COMMENT - SCHEMA public "))
            }
            let list = FilePath.join(work, "\(index + 1).list")
            try write(kept.joined(separator: "\n"), to: list)
            let script = FilePath.join(work, "\(index + 1).sql")
            try programs.run("pg_restore", ["--no-owner", "--no-privileges", "--use-list=\(list)", "--file=\(script)", part.file],
                             target: target, activity: "Reading \(part.file)")
            scripts.append(script)
        }
        try programs.run("psql", target.arguments + ["--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1"]
                            + scripts.map { "--file=\($0)" },
                         target: target, activity: "Restoring \(source) (nothing was changed)")
        return RestoreReport(source: source, engine: .postgres, safetyCopy: saved, migrationVersion: version,
                             schemas: parts.map(\.schema), seconds: MonotonicClock.now() - started)
    }

    static func readManifest(_ source: String) throws(ToolHostError) -> JSONObject {
        guard FileIO.isDirectory(source) else {
            throw ToolHostError(FileIO.exists(source) ? .notABackup : .notFound,
                                FileIO.exists(source) ? "\(source) is not a PostgreSQL backup: on PostgreSQL a backup is the folder `toolhost db backup` writes." : "There is no backup at \(source).")
        }
        let path = FilePath.join(source, PostgresBackupFolder.manifestName)
        guard let bytes = try? FileIO.read(path), case .object(let manifest)? = try? JSONParser.parse(bytes),
              manifest["format"]?.stringValue == PostgresBackupFolder.format else {
            throw ToolHostError(.notABackup, "\(source) is not a ToolHost PostgreSQL backup: it has no readable \(PostgresBackupFolder.manifestName).")
        }
        return manifest
    }

    /// Empties the schemas being restored: other schemas are dropped whole (the archive creates
    /// them again); `public` keeps itself and extension members.
    static func prelude(schemas: [String], extensions: [JSONValue]) -> String {
        var lines = ["SET client_min_messages = warning;"]
        for schema in schemas where schema != "public" {
            lines.append("DROP SCHEMA IF EXISTS \(SQLIdentifier.quote(schema)) CASCADE;")
        }
        if schemas.contains("public") {
            // Every name is read before anything is dropped: a cascade would otherwise turn a
            // later row's name into a bare OID.
            lines.append("""
                DO $toolhost$ DECLARE statements text[]; statement text; BEGIN
                  statements := ARRAY(
                    SELECT format('DROP %s IF EXISTS %s CASCADE', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                             WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass::text)
                    FROM pg_class c
                    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
                    UNION ALL
                    SELECT format('DROP %s IF EXISTS %s CASCADE', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
                             p.oid::regprocedure::text)
                    FROM pg_proc p
                    WHERE p.pronamespace = 'public'::regnamespace
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
                    UNION ALL
                    SELECT format('DROP TYPE IF EXISTS %s CASCADE', t.oid::regtype::text)
                    FROM pg_type t
                    WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('c', 'd', 'e', 'r')
                      AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'));
                  FOREACH statement IN ARRAY statements LOOP
                    EXECUTE statement;
                  END LOOP;
                END $toolhost$;
                """)
        }
        // After the drops: an extension living in a dropped schema comes back with the archive's
        // objects; one that cannot be created here is reported by the statement that needs it.
        for case .object(let extensionEntry) in extensions {
            guard let name = extensionEntry["name"]?.stringValue else { continue }
            lines.append("DO $toolhost$ BEGIN CREATE EXTENSION IF NOT EXISTS \(SQLIdentifier.quote(name)); EXCEPTION WHEN OTHERS THEN RAISE WARNING '%', SQLERRM; END $toolhost$;")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func write(_ text: String, to path: String) throws(ToolHostError) {
        do {
            try FileIO.writeAtomically(Array(text.utf8), to: path)
        } catch {
            throw ToolHostError(.ioError, "Cannot write \(path): \(error.reason).")
        }
    }
}
