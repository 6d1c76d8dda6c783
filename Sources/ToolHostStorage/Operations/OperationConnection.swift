import ToolHostCore

/// Connections for maintenance work: no statement time limit (a VACUUM or a dump of a large
/// database takes as long as it takes) and no migrations (a backup copies what is there).
enum OperationConnection {
    static func open(_ settings: DatabaseSettings) throws(ToolHostError) -> any DatabaseConnection {
        var settings = settings
        settings.statementTimeoutSeconds = 0
        do {
            return try DatabaseConnector.connect(settings)
        } catch {
            throw error.toolHostError
        }
    }

    static func postgres(_ settings: DatabaseSettings) throws(ToolHostError) -> any DatabaseConnection {
        try open(settings)
    }
}
