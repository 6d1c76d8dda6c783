import Testing
@testable import ToolHostCore
@testable import ToolHostStorage

@Suite("PostgreSQL client programs get the password only through PGPASSWORD")
struct PostgresTargetTests {
    @Test func theURLPasswordMovesToTheEnvironment() {
        var settings = DatabaseSettings(path: "")
        settings.kind = .postgres
        settings.url = "postgresql://agent:s3%40cret@db.example:5432/agents?sslmode=require"
        let target = PostgresTarget(settings)
        #expect(target.arguments == ["--dbname=postgresql://agent@db.example:5432/agents?sslmode=require"])
        #expect(target.environment["PGPASSWORD"] == "s3@cret")
    }

    @Test func aPasswordQueryParameterIsTakenOutToo() {
        let (url, password) = PostgresTarget.splitPassword("postgres://u@/db?host=/tmp/sock&password=pw&port=5")
        #expect(url == "postgres://u@/db?host=/tmp/sock&port=5")
        #expect(password == "pw")
    }

    @Test func separateSettingsBecomeSeparateArguments() {
        var settings = DatabaseSettings(path: "")
        settings.kind = .postgres
        settings.host = "h"
        settings.port = 6543
        settings.password = "pw"
        let target = PostgresTarget(settings)
        #expect(target.arguments == ["--host=h", "--port=6543", "--username=postgres", "--dbname=toolhost"])
        #expect(!target.arguments.joined().contains("pw"))
        #expect(target.environment["PGPASSWORD"] == "pw")
    }
}
