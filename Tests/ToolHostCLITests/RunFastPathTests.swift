import Testing
@testable import toolhost

/// `toolhost run` reads plain command lines itself (start-up matters on every tool call); it
/// must read them exactly as ArgumentParser does, and leave everything else to it.
@Suite("The run fast path agrees with ArgumentParser")
struct RunFastPathTests {
    static let plain: [[String]] = [
        ["echo"],
        ["echo", "--envelope"],
        ["--input", "in.json", "echo"],
        ["echo", "--input=in.json", "--timeout", "2.5", "--pretty"],
        ["echo", "--tools-dir", "a", "--tools-dir=b", "--config", "c.yaml", "--no-cache"],
        ["echo", "--input", "-", "--timeout=30"],
    ]

    @Test(arguments: plain)
    func plainCommandLinesReadTheSame(arguments: [String]) throws {
        let parsed = try RunCommand.parse(arguments)
        #expect(RunInvocation.fastParse(arguments) == parsed.invocation)
    }

    static let unusual: [[String]] = [
        [], ["--help"], ["echo", "-h"], ["echo", "other"], ["echo", "--timeout", "0"], ["echo", "--timeout", "soon"],
        ["echo", "--unknown"], ["echo", "--input"], ["echo", "--tools-dir", "--envelope"],
    ]

    @Test(arguments: unusual)
    func unusualCommandLinesAreLeftToArgumentParser(arguments: [String]) {
        #expect(RunInvocation.fastParse(arguments) == nil)
    }
}
