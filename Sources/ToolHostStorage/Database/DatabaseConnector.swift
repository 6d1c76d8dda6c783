import ToolHostCore

/// Opens a connection of the configured kind.
public enum DatabaseConnector {
    public static func connect(_ settings: DatabaseSettings) throws(DatabaseError) -> any DatabaseConnection {
        switch settings.kind {
        case .sqlite: try SQLiteConnection(path: settings.path, statementTimeoutSeconds: settings.statementTimeoutSeconds)
        case .postgres: try PostgresConnection(settings: settings)
        }
    }
}
