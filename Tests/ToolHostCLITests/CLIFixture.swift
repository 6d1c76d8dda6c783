import ToolHostCore
import ToolHostTestSupport

/// A throwaway catalogue with plugins that misbehave in every way the host must survive, and a
/// runner for the real `toolhost` binary pointed at it.
struct CLIFixture {
    let directory = TemporaryDirectory()
    let binary = ToolHostBinary()

    init() {
        directory.write("tools/echo/echo.yaml", """
            name: Echo
            type: executable
            description: Prints its input back
            tags: [test, json]
            executable: {command: cat}
            input_schema:
              message: {type: string, required: true, minLength: 1}
              times: {type: integer, minimum: 1, default: 1}
            """)
        directory.write("tools/text/text.yaml", """
            name: Text
            type: executable
            tags: [test]
            executable: {command: sh, args: ["-c", "echo 'not json'; echo 'progress' >&2"]}
            """)
        directory.write("tools/fail/fail.yaml", """
            name: Fail
            type: executable
            executable: {command: sh, args: ["-c", "echo '{\\"success\\": false, \\"error\\": \\"boom\\"}'; exit 3"]}
            """)
        directory.write("tools/hang/hang.yaml", """
            name: Hang
            type: executable
            executable: {command: sleep, args: ["300"], timeout: 0.5}
            """)
        directory.write("tools/flood/flood.yaml", """
            name: Flood
            type: executable
            executable: {command: "yes", args: [flooding], timeout: 60}
            """)
        directory.write("tools/noscript/noscript.yaml", """
            name: No script
            type: executable
            executable: {command: python3, args: ["{tool_dir}/gone.py"]}
            """)
        directory.write("tools/chat/chat.yaml", "name: Chat\ntype: llm\ndescription: Talks\n")
        directory.write("tools/broken/broken.yaml", "name: Broken\ninput_schema: [unclosed\n")
        directory.write("toolhost.yaml", """
            tools:
              paths: [tools]
            plugins:
              kill_grace_seconds: 0.5
              max_output_bytes: 50000
            """)
    }

    /// Runs toolhost in the fixture's folder (so ./toolhost.yaml applies) with `input` on stdin.
    func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> ToolHostBinary.Result {
        try binary.run(arguments, stdin: input.map { Array($0.utf8) }, environment: environment, directory: directory.path)
    }

    /// `toolhost run tool` with `input`, on `database`.
    func run(_ tool: String, _ input: String, on database: TestDatabase) throws -> ToolHostBinary.Result {
        try run(["run", tool], input: input, environment: database.environment)
    }

    func run(_ arguments: [String], bytes: [UInt8]) throws -> ToolHostBinary.Result {
        try binary.run(arguments, stdin: bytes, directory: directory.path)
    }
}
