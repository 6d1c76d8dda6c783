import Testing
@testable import ToolHostCore

@Suite("Credentials taken out of messages")
struct CredentialRedactionTests {
    @Test(arguments: [
        ("postgresql://agent:s3cret@db.example:5432/agents", "postgresql://agent:***@db.example:5432/agents"),
        ("in URI: \"postgresql://u:s3cret@[::1:5432/db\"", "in URI: \"postgresql://u:***@[::1:5432/db\""),
        ("redis://:s3cret@127.0.0.1:6379/0", "redis://:***@127.0.0.1:6379/0"),
        ("https://user:s3cret@host/path?q=1", "https://user:***@host/path?q=1"),
        ("host=db password=s3cret port=5432", "host=db password=*** port=5432"),
        ("postgresql://h/db?sslmode=require&password=s3cret&port=1", "postgresql://h/db?sslmode=require&password=***&port=1"),
        ("password = 's3cret value' rest", "password = '***' rest"),
        (#"{"api_key": "sk-s3cret"}"#, #"{"api_key": "***"}"#),
        ("Authorization: Bearer s3cret.token", "Authorization: Bearer ***"),
        ("PASSWORD=s3cret", "PASSWORD=***"),
    ])
    func secretsAreMasked(text: String, expected: String) {
        let redacted = CredentialRedaction.redact(text)
        #expect(redacted == expected)
        #expect(!redacted.contains("s3cret"))
    }

    @Test(arguments: [
        "Cannot connect to PostgreSQL at db:5432, database agents: connection refused.",
        "postgresql://agent@db/agents",
        "mypassword=x is not a key of ours",
        "a@b.c wrote 3 = 3",
        "Input for 'echo' is invalid: /times must be at least 1.",
        "",
    ])
    func textWithoutCredentialsIsUnchanged(text: String) {
        let redacted = CredentialRedaction.redact(text)
        #expect(redacted == text)
    }

    @Test func errorsAndTheirTextDetailsAreRedactedWhereverTheyAreBuilt() {
        let error = ToolHostError(.ioError, "Cannot parse postgresql://u:s3cret@[::1/db", details: ["detail": "password=s3cret", "n": 3])
        let answer = JSONWriter.string(error.answer)
        #expect(!answer.contains("s3cret"))
        #expect(error.details["n"] == 3)
    }
}
