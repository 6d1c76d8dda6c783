import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `FileIO.read` reads into a buffer of the size the file says it has: every size around the
/// buffer's edges comes back whole, and a file whose size says nothing (/proc) is read to its end.
@Suite("Reading a whole file")
struct FileReadTests {
    let directory = TemporaryDirectory()

    @Test(arguments: [0, 1, 4095, 4096, 4097, 65_537, 1_000_003])
    func everySizeIsReadWhole(size: Int) throws {
        let content = String((0..<size).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
        let path = directory.write("input-\(size).json", content)
        let bytes = try FileIO.read(path)
        #expect(bytes.count == size)
        #expect(bytes == Array(content.utf8))
    }

    @Test func aFileWithoutASizeIsReadToItsEnd() throws {
        let bytes = try FileIO.read("/proc/self/status")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("Name:"))
        #expect(text.contains("VmRSS:"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func aMissingFileSaysWhy() {
        do {
            _ = try FileIO.read(directory.url("missing.json"))
            Issue.record("a missing file was read")
        } catch {
            #expect(error.reason == "no such file or directory", "\(error)")
        }
    }
}
