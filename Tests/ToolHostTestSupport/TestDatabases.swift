import Foundation
import ToolHostCore
import ToolHostStorage
import ToolHostTools

/// The two engines every storage behaviour is tested on.
public enum Engine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}

/// A database of its own for one test: a fresh SQLite file, or a fresh database on the
/// throwaway PostgreSQL server that `scripts/test.sh` starts (its URL is in
/// TOOLHOST_TEST_POSTGRES_URL). Without that server a PostgreSQL test fails; it never skips.
public final class TestDatabase: @unchecked Sendable {
    public let engine: Engine
    public let settings: DatabaseSettings
    private let directory = TemporaryDirectory()
    private let postgresName: String?

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["TOOLHOST_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The throwaway PostgreSQL server with the `vector` extension that `scripts/test.sh`
    /// starts (scripts/test-pgvector.sh; its URL is in TOOLHOST_TEST_PGVECTOR_URL).
    public static var pgvectorURL: String? {
        ProcessInfo.processInfo.environment["TOOLHOST_TEST_PGVECTOR_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The server URL this database was made on, to drop it again.
    private let serverURL: String?

    public init(_ engine: Engine) throws {
        self.engine = engine
        switch engine {
        case .sqlite:
            settings = DatabaseSettings(path: directory.url("data/test.db"))
            postgresName = nil
            serverURL = nil
        case .postgres:
            guard let url = Self.postgresURL else {
                throw Unavailable(description: "TOOLHOST_TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL server")
            }
            (postgresName, settings) = try Self.createDatabase(on: url)
            serverURL = url
        }
    }

    /// A fresh database on the PostgreSQL server that has pgvector. Without that server the
    /// test fails; it never skips.
    public static func withPgvector() throws -> TestDatabase {
        guard let url = pgvectorURL else {
            throw Unavailable(description: "TOOLHOST_TEST_PGVECTOR_URL is not set: run the tests with scripts/test.sh, which starts a PostgreSQL server with pgvector (scripts/test-pgvector.sh)")
        }
        return try TestDatabase(postgresServer: url)
    }

    private init(postgresServer url: String) throws {
        engine = .postgres
        (postgresName, settings) = try Self.createDatabase(on: url)
        serverURL = url
    }

    private static func createDatabase(on url: String) throws -> (String, DatabaseSettings) {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try PostgresConnection(settings: settings(url: url))
        try admin.executeScript("CREATE DATABASE \(name)")
        return (name, settings(url: url.replacingOccurrences(of: "/toolhost_test?", with: "/\(name)?")))
    }

    deinit {
        guard let postgresName, let serverURL,
              let admin = try? PostgresConnection(settings: Self.settings(url: serverURL)) else { return }
        try? admin.executeScript("DROP DATABASE IF EXISTS \(postgresName) WITH (FORCE)")
    }

    /// A new connection to this test's database.
    public func connect() throws -> any DatabaseConnection {
        try DatabaseConnector.connect(settings)
    }

    /// A pool over this test's database (not the process-wide shared one), migrated with the
    /// built-in tables' migrations.
    public func database() -> Database { Database(settings: settings, migrations: SchemaMigrations.all) }

    /// A host configuration whose database is this one.
    public func hostConfig(toolsPaths: [String] = []) -> HostConfig {
        HostConfig(toolsPaths: toolsPaths, database: settings)
    }

    /// Environment variables that point a `toolhost` process at this database.
    public var environment: [String: String] {
        switch engine {
        case .sqlite: ["TOOLHOST_DATABASE_TYPE": "sqlite", "TOOLHOST_DATABASE_PATH": settings.path]
        case .postgres: ["DATABASE_URL": settings.url ?? ""]
        }
    }

    private static func settings(url: String) -> DatabaseSettings {
        var settings = DatabaseSettings(path: "")
        settings.kind = .postgres
        settings.url = url
        return settings
    }
}
