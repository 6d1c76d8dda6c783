import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostStorage
import ToolHostTools

extension DatabaseCommand {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Write a consistent copy of the database while ToolHost keeps running.",
            discussion: """
                SQLite: FILE is one self-contained SQLite file, made with SQLite's online backup \
                API (one snapshot; writers are not blocked), written beside FILE, flushed to disk \
                and renamed into place. PostgreSQL: FILE is a folder with manifest.json and one \
                pg_dump archive per schema (public.dump: bulk, conversations, memory, prompt \
                evolution; training_data.dump: training), all from one snapshot. pg_dump is looked \
                for in --pg-bindir, $TOOLHOST_PG_BINDIR, pg_config --bindir, \
                /usr/lib/postgresql/*/bin, then PATH; the password reaches it through PGPASSWORD, \
                never its command line.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The backup file (SQLite) or folder (PostgreSQL) to write.", completion: .file()) var file: String
        @Flag(name: .long, help: "Replace FILE if it exists (the old one is kept until the new one is whole).") var force = false
        @Option(name: .customLong("pg-bindir"), help: "The folder holding pg_dump, pg_restore and psql.", completion: .directory) var pgBindir: String?
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() throws {
            let settings = try DatabaseCommand.settings(global)
            let report: BackupReport
            do throws(ToolHostError) {
                report = try DatabaseOperations.backup(settings, to: file, overwrite: force, postgresBindir: pgBindir)
            } catch {
                throw Console.fail(error)
            }
            if json { return Console.printJSON(.object(report.json), pretty: true) }
            for part in report.parts where part.schema != nil {
                Console.print("  \(part.schema ?? "")  \(Count.bytes(part.bytes))  \(part.file)")
            }
            Console.print("backed up \(settings.displayName) to \(report.path) (\(Count.bytes(report.bytes)), migration \(report.migrationVersion), \(Count.seconds(report.seconds)))")
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Replace the database's content with a backup made by `toolhost db backup`.",
            discussion: """
                The backup is checked first (SQLite: integrity check and the migrations table; \
                PostgreSQL: its manifest and archives) and refused when a newer ToolHost made it. \
                Then the database as it is now is saved — SQLite: <database>.before-restore-<time> \
                beside it; PostgreSQL: FILE.before-restore-<time> beside the backup — unless \
                --no-safety-copy. SQLite copies the backup in under the database's write lock, so \
                running processes see the restored data. PostgreSQL replaces the backed-up schemas \
                in one transaction: all of it, or nothing changes; other schemas are left alone.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The backup file (SQLite) or folder (PostgreSQL) to restore.", completion: .file()) var file: String
        @Flag(name: .long, help: "Do not save the current database before replacing it.") var noSafetyCopy = false
        @Option(name: .customLong("pg-bindir"), help: "The folder holding pg_dump, pg_restore and psql.", completion: .directory) var pgBindir: String?
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() throws {
            let settings = try DatabaseCommand.settings(global)
            let report: RestoreReport
            do throws(ToolHostError) {
                report = try DatabaseOperations.restore(settings, from: file, keepSafetyCopy: !noSafetyCopy, postgresBindir: pgBindir,
                                                        migrations: SchemaMigrations.all)
            } catch {
                throw Console.fail(error)
            }
            if json { return Console.printJSON(.object(report.json), pretty: true) }
            if let copy = report.safetyCopy { Console.print("the database as it was is saved in \(copy)") }
            let schemas = report.schemas.isEmpty ? "" : " (schemas \(report.schemas.joined(separator: ", ")))"
            Console.print("restored \(settings.displayName) from \(report.source)\(schemas), migration \(report.migrationVersion), \(Count.seconds(report.seconds))")
        }
    }

    struct Maintain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "maintain",
            abstract: "Reclaim space, refresh planner statistics and compact full-text indexes.",
            discussion: """
                SQLite: FTS5 optimize on every full-text table, VACUUM, ANALYZE and PRAGMA \
                optimize, then a WAL checkpoint; VACUUM needs free disk space about the size of the \
                database and holds the write lock while it runs (writers wait). PostgreSQL: \
                VACUUM (ANALYZE) of the whole database, after creating the month partitions of \
                the training tables for the current month and training.partition_months_ahead \
                after it that are missing. --reindex also rebuilds every index \
                (REINDEX; on PostgreSQL per schema, which blocks writes to each table meanwhile).
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Also rebuild every index.") var reindex = false
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() throws {
            let config = try global.loadConfigOrExit()
            let settings = config.database
            let report: DatabaseMaintenance.Report
            do throws(ToolHostError) {
                report = try DatabaseMaintenance.run(settings, reindex: reindex, partitioned: TrainingSchema.monthlyPartitioned,
                                                     partitionMonthsAhead: config.training.partitionMonthsAhead)
            } catch {
                throw Console.fail(error)
            }
            if json { return Console.printJSON(.object(report.json), pretty: true) }
            for step in report.steps { Console.print("  \(step.name)  \(Count.seconds(step.seconds))") }
            for partition in report.partitionsCreated { Console.print("  created partition \(partition)") }
            Console.print("\(settings.displayName): \(Count.bytes(report.bytesBefore)) → \(Count.bytes(report.bytesAfter))")
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Show each table's rows, size on disk and indexes (with index usage on PostgreSQL).",
            discussion: """
                Rows are counted exactly (a full scan of each table on large databases). SQLite \
                has per-table sizes only when built with the dbstat table, and no usage counters; \
                PostgreSQL adds scans per index, sequential scans, dead rows and the last vacuum \
                and analyze (from pg_stat_user_tables and pg_stat_user_indexes); a partitioned \
                table lists its partitions under it, and their totals as its own.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() throws {
            let settings = try DatabaseCommand.settings(global)
            let stats: JSONObject
            do throws(ToolHostError) {
                stats = try DatabaseStatistics.collect(settings)
            } catch {
                throw Console.fail(error)
            }
            if json { return Console.printJSON(.object(stats), pretty: true) }
            Console.print("\(settings.kind.rawValue) \(settings.displayName): \(Count.bytes(stats["bytes"]?.integerValue ?? 0))")
            for case .object(let table) in stats["tables"]?.arrayValue ?? [] {
                let name = [table["schema"]?.stringValue, table["name"]?.stringValue].compactMap { $0 }.joined(separator: ".")
                let rows = table["rows"]?.integerValue.map { "\($0) rows" } ?? "full-text index"
                let bytes = (table["total_bytes"] ?? table["table_bytes"])?.integerValue.map { Count.bytes($0) } ?? "size unknown"
                Console.print("  \(name)  \(rows)  \(bytes)")
                for case .object(let index) in table["indexes"]?.arrayValue ?? [] {
                    let scans = index["scans"]?.integerValue.map { ", \($0) scans" } ?? ""
                    let size = index["bytes"]?.integerValue.map { Count.bytes($0) } ?? "size unknown"
                    Console.print("      index \(index["name"]?.stringValue ?? "")  \(size)\(scans)")
                }
                for case .object(let partition) in table["partitions"]?.arrayValue ?? [] {
                    let rows = partition["rows"]?.integerValue ?? 0
                    let size = partition["total_bytes"]?.integerValue.map { Count.bytes($0) } ?? "size unknown"
                    Console.print("      partition \(partition["name"]?.stringValue ?? "")  \(rows) rows  \(size)  \(partition["bound"]?.stringValue ?? "")")
                }
            }
        }
    }
}
