import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// What migrations 1, 4 and 5 ran on a fresh database in the versions that shipped before their
/// code was changed (their rendered SQL, from git history): the databases migration 8
/// repairs. Each is one script, its statements as they were recorded (`MigrationRecording`).
enum EarlierMigrationVersions {}
