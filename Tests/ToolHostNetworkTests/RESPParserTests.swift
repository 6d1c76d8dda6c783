import Testing
@testable import ToolHostNetwork

@Suite("RESP2 parsing and encoding")
struct RESPParserTests {
    private func parseAll(_ text: String, chunk: Int) throws -> [RESPValue] {
        var parser = RESPParser()
        var values: [RESPValue] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            parser.append(bytes[offset..<end])
            offset = end
            while let value = try parser.next() { values.append(value) }
        }
        return values
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func repliesSplitAnywhereAcrossReadsParseTheSame(chunk: Int) throws {
        let stream = "+OK\r\n-ERR wrong\r\n:42\r\n$5\r\nhe\r\no\r\n$-1\r\n*-1\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$0\r\n\r\n:-7\r\n"
        let values = try parseAll(stream, chunk: chunk)
        #expect(values.count == 7)
        #expect(values[0].text == "OK")
        if case .error(let message) = values[1] { #expect(message == "ERR wrong") } else { Issue.record("not an error: \(values[1])") }
        if case .integer(let number) = values[2] { #expect(number == 42) } else { Issue.record("not an integer") }
        #expect(values[3].text == "he\r\no")  // a bulk string may hold CRLF: its length decides
        if case .bulk(let bytes) = values[4] { #expect(bytes == nil) } else { Issue.record("not a null bulk") }
        if case .array(let elements) = values[5] { #expect(elements == nil) } else { Issue.record("not a null array") }
        let nested = try #require(values[6].elements)
        #expect(nested[0].elements?[0].text == "1-0")
        #expect(nested[0].elements?[1].elements?.map(\.text) == ["a", ""])
        if case .integer(let number) = nested[1] { #expect(number == -7) } else { Issue.record("not an integer") }
    }

    @Test func anIncompleteReplyWaitsForMoreBytes() throws {
        var parser = RESPParser()
        parser.append(Array("*2\r\n$3\r\nabc\r\n$4\r\nab".utf8)[...])
        #expect(try parser.next() == nil)
        parser.append(Array("cd\r\n".utf8)[...])
        #expect(try parser.next()?.elements?.map(\.text) == ["abc", "abcd"])
        #expect(try parser.next() == nil)
    }

    @Test func malformedRepliesAreProtocolErrors() {
        for bad in ["?x\r\n", ":12a\r\n", "$zz\r\n", "*q\r\n"] {
            var parser = RESPParser()
            parser.append(Array(bad.utf8)[...])
            #expect(throws: RedisError.self) { try parser.next() }
        }
    }

    @Test func commandsAreArraysOfBinarySafeBulkStrings() {
        let encoded = RESPParser.encode([Array("XADD".utf8), Array("k".utf8), [0x00, 0x0D, 0x0A]])
        #expect(encoded == Array("*3\r\n$4\r\nXADD\r\n$1\r\nk\r\n$3\r\n".utf8) + [0x00, 0x0D, 0x0A] + [0x0D, 0x0A])
    }

    @Test func redisURLsAreRead() throws {
        let tcp = try #require(RedisConnection.Endpoint(url: "redis://:s3cret@cache.local:6380/2"))
        #expect(tcp.host == "cache.local" && tcp.port == 6380 && tcp.database == 2 && tcp.password == "s3cret" && tcp.socketPath == nil)
        let plain = try #require(RedisConnection.Endpoint(url: "redis://127.0.0.1"))
        #expect(plain.port == 6379 && plain.database == 0 && plain.password == nil)
        let unix = try #require(RedisConnection.Endpoint(url: "unix:///run/redis.sock?db=3"))
        #expect(unix.socketPath == "/run/redis.sock" && unix.database == 3)
        #expect(RedisConnection.Endpoint(url: "http://x") == nil)
        #expect(RedisConnection.Endpoint(url: "redis://h:port/0") == nil)
    }
}
