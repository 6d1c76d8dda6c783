import Testing
@testable import ToolHostCore

@Suite("Redaction of recorded calls")
struct RecordRedactionTests {
    static let all = try! RecordRedaction(detectors: RecordRedaction.Detector.allCases)

    @Test(arguments: [
        ("mail bob.smith+x@example.co.uk now", "mail [REDACTED:email] now"),
        ("key sk-proj-abcdefghijklmnop1234 here", "key [REDACTED:api_key] here"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123", "token [REDACTED:api_key]"),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws [REDACTED:api_key]"),
        ("card 4111 1111 1111 1111 ok", "card [REDACTED:credit_card] ok"),
        ("from 192.168.10.254 to fe80:0:0:0:200:f8ff:fe21:67cf", "from [REDACTED:ip_address] to [REDACTED:ip_address]"),
        ("call +44 20 7946 0958", "call [REDACTED:phone_number]"),
        ("postgresql://u:s3cret@db/x", "postgresql://u:***@db/x"),
    ])
    func detectorsFindWhatTheyName(text: String, expected: String) {
        let redacted = Self.all.redact(text)
        #expect(redacted == expected)
    }

    @Test(arguments: [
        "card 4111 1111 1111 1112 fails the Luhn check",
        "version 1.2.3.4567 is not an address, nor 999.1.1.1",
        "no secrets here, just words and 42",
        "2026-12-03T17:53:23Z",
    ])
    func lookalikesStay(text: String) {
        let redacted = Self.all.redact(text)
        #expect(redacted == text)
    }

    @Test func patternsOfTheUsersAndDepth() throws {
        let redaction = try RecordRedaction(detectors: [], patterns: [#"EMP-\d{6}"#])
        let value: JSONValue = ["staff": ["id": "EMP-123456", "EMP-654321": [1, "EMP-000001"]]]
        let redacted = JSONWriter.string(redaction.redact(value))
        #expect(!redacted.contains("EMP-"), "\(redacted)")
        #expect(throws: ToolHostError.self) { try RecordRedaction(detectors: [], patterns: ["(unclosed"]) }
    }
}
