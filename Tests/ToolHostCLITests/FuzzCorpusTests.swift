import Foundation
import Testing
import ToolHostTestSupport
import ToolHostCore

/// The fuzz corpus (Fuzz/corpus) replayed through the normal build of `toolhost-fuzz`: every
/// input a fuzzer ever kept still runs through its target without a crash. scripts/fuzz.sh does
/// the fuzzing itself, with sanitizers, for a fixed time in CI.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static let root = FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath)))

    @Test(arguments: ["json", "yaml", "schema", "sql", "http", "wav"])
    func everyKeptInputStillRuns(target: String) throws {
        let binary = ToolHostBinary()
        let corpus = FilePath.join(Self.root, "Fuzz/corpus/\(target)")
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus)
        #expect(!files.isEmpty)
        let replayed = try binary.runProgram(FilePath.join(FilePath.directory(of: binary.path), "toolhost-fuzz"), [target, corpus])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdoutText.contains("\(files.count) inputs replayed"), "\(replayed.stdoutText)")
    }
}
