import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The one durable writer of exports, archives and atomic files: a replacement shows under its
/// name only whole and committed, an append that is abandoned leaves the file as it was.
@Suite("Durable writer")
struct DurableWriterTests {
    let directory = TemporaryDirectory()

    @Test func aReplacementAppearsOnlyWhenCommitted() throws {
        let path = directory.write("out.jsonl", "old\n")
        let temporary = directory.url("out.jsonl.partial-1")
        let writer = try DurableWriter(.replacing(path, temporary: temporary))
        // More than one buffer's worth, so some of it reached the temporary file already.
        let line = Array(String(repeating: "x", count: 999).utf8) + [0x0A]
        for _ in 0..<600 { try writer.write(line) }
        let before = directory.read("out.jsonl")
        #expect(before == "old\n", "the final name still holds the old file while writing")
        try writer.commit()
        let after = directory.read("out.jsonl")
        #expect(after?.utf8.count == 600_000 && writer.bytesWritten == 600_000)
        #expect(!directory.exists("out.jsonl.partial-1"))
    }

    @Test func anAbandonedReplacementLeavesTheOldFileAndNoTemporary() throws {
        let path = directory.write("out.jsonl", "old\n")
        let writer = try DurableWriter(.replacing(path, temporary: directory.url("out.tmp")))
        try writer.write(Array(String(repeating: "y", count: 300_000).utf8))
        writer.abandon()
        let kept = directory.read("out.jsonl")
        #expect(kept == "old\n")
        #expect(!directory.exists("out.tmp"))
    }

    @Test func anAbandonedAppendIsCutBackAndACommittedOneKept() throws {
        let path = directory.write("archive.jsonl", "{\"id\":1}\n")
        let first = try DurableWriter(.appending(path))
        try first.write(Array("{\"id\":2}\n".utf8))
        try first.commit()
        let second = try DurableWriter(.appending(path))
        try second.write(Array(String(repeating: "z", count: 400_000).utf8))  // flushed in part
        second.abandon()
        let content = directory.read("archive.jsonl")
        #expect(content == "{\"id\":1}\n{\"id\":2}\n")
    }

    @Test func aFileInAMissingFolderFailsNamingIt() throws {
        var failure: FileIO.Failure?
        do {
            _ = try DurableWriter(.replacing(directory.url("missing/out.jsonl"), temporary: directory.url("missing/out.tmp")))
        } catch {
            failure = error
        }
        #expect(failure?.path == directory.url("missing/out.tmp") && failure?.errno == ENOENT, "\(String(describing: failure))")
    }

    @Test func writeAtomicallyReplacesWhole() throws {
        let path = directory.write("approved.json", "{}")
        try FileIO.writeAtomically(Array("{\"a\": 1}".utf8), to: path, syncs: true)
        let content = directory.read("approved.json")
        #expect(content == "{\"a\": 1}")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}
