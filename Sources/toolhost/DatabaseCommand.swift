import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostNetwork
import ToolHostStorage
import ToolHostTools

struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage ToolHost's database: migrations, backups, maintenance and generated tools.",
        discussion: """
            The database is the embedded SQLite file (database.path, default data/toolhost.db \
            beside the config) unless database.type is postgres or DATABASE_URL / POSTGRES_HOST \
            is set. Migrations also run by themselves the first time a built-in tool uses it.
            """,
        subcommands: [Migrate.self, Status.self, Backup.self, Restore.self, Maintain.self, Stats.self, RestoreTools.self, Publish.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending migrations (safe to repeat).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let settings = try DatabaseCommand.settings(global)
            let applied = try DatabaseCommand.onConnection(settings) { connection throws(DatabaseError) in try Migrator.migrate(connection) }
            if applied.isEmpty {
                Console.print("\(settings.displayName): up to date")
            } else {
                for migration in applied { Console.print("applied \(migration.version): \(migration.name)") }
                Console.print("\(settings.displayName): \(applied.count) migration\(applied.count == 1 ? "" : "s") applied")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show where the database is, and which migrations are applied and which are pending.",
            discussion: """
                With no config file, the SQLite database lives in the user's data directory \
                ($XDG_DATA_HOME/toolhost, else ~/.local/share/toolhost), never in the current folder.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() throws {
            let config = try global.loadConfigOrExit()
            let settings = config.database
            let statuses = try DatabaseCommand.onConnection(settings) { connection throws(DatabaseError) in try Migrator.status(connection) }
            if json {
                var answer: JSONObject = [
                    "success": true,
                    "database": .string(settings.displayName),
                    "engine": .string(settings.kind.rawValue),
                ]
                if settings.kind == .sqlite { answer["path"] = .string(settings.path) }
                answer["config_file"] = config.file.map(JSONValue.string) ?? .null
                answer["migrations"] = .array(statuses.map { ["version": .int($0.version), "name": .string($0.name), "applied_at": $0.appliedAt.map(JSONValue.string) ?? .null] })
                Console.printJSON(.object(answer), pretty: true)
                return
            }
            Console.print("\(settings.kind.rawValue) \(settings.displayName)")
            Console.print("config: \(config.file ?? "none (built-in defaults)")")
            for status in statuses {
                Console.print("  \(status.version)  \(status.appliedAt ?? "pending")  \(status.name)")
            }
            let pending = statuses.filter { $0.appliedAt == nil }.count
            Console.print(pending == 0 ? "up to date" : "\(pending) pending: run `toolhost db migrate`")
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Send training rows waiting in the outbox to the live stream (Redis).",
            discussion: """
                Stored rows are published right after each store; when Redis was unavailable \
                they wait in the outbox and go with the next store, or now with this command \
                (e.g. from cron). Exits 1 while rows still wait.
                """)
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let config: HostConfig
            do throws(ToolHostError) {
                config = try global.loadConfig()
            } catch {
                throw Console.fail(error)
            }
            guard config.streaming.isEnabled else {
                throw Console.fail(ToolHostError(.invalidConfig, "streaming.backend is none: there is no stream to publish to; set it to redis."))
            }
            let outbox = StreamOutbox(settings: config.streaming)
            let report: StreamOutbox.Report
            do throws(ToolHostError) {
                report = try Database.shared(for: config.database).withConnection { connection in outbox.drain(on: connection) }
            } catch {
                throw Console.fail(error)
            }
            Console.print("published \(report.published) row\(report.published == 1 ? "" : "s") to \(config.streaming.url)")
            if let problem = report.problem {
                let rows = report.pending == 1 ? "1 row still waits" : "\(report.pending) rows still wait"
                throw Console.fail(ToolHostError(.streamUnavailable, "\(rows) in the outbox: \(problem)."))
            }
        }
    }

    struct RestoreTools: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore-tools",
            abstract: "Write back generated tools that the database has but the tools directories lack.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let config: HostConfig
            let result: (restored: [String], skipped: [String])
            do {
                config = try global.loadConfig()
                result = try ToolRegistration(config: config, handlers: BuiltinHandlers.registry).restore()
            } catch {
                throw Console.fail(error)
            }
            for id in result.restored { Console.print("restored \(id)") }
            for id in result.skipped { Console.print("skipped \(id): no YAML stored", to: 2) }
            Console.print("\(result.restored.count) restored into \(config.generatedToolsPath)")
        }
    }

    static func settings(_ global: GlobalOptions) throws -> DatabaseSettings {
        do {
            return try global.loadConfig().database
        } catch {
            throw Console.fail(error)
        }
    }

    /// Runs `body` on a fresh connection (not the migrating pool: `status` must not migrate).
    static func onConnection<T>(_ settings: DatabaseSettings, _ body: (any DatabaseConnection) throws(DatabaseError) -> T) throws -> T {
        do {
            let connection = try DatabaseConnector.connect(settings)
            return try body(connection)
        } catch {
            throw Console.fail(error.toolHostError)
        }
    }
}
