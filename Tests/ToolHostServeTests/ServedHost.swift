import ToolHostCore
import ToolHostService
import ToolHostTestSupport
import ToolHostTools

/// A `ServiceHost` built as `toolhost serve` builds it, in the test's process: the built-in
/// tools and two plugins over a throwaway folder and SQLite file, calls not recorded.
struct ServedHost {
    let directory = TemporaryDirectory()
    let database: TestDatabase
    let host: ServiceHost

    init(configure: (inout HostConfig) -> Void = { _ in }) throws {
        directory.write("tools/echo/echo.yaml", """
            name: Echo
            type: executable
            description: Prints its input back
            executable: {command: cat}
            input_schema:
              message: {type: string, required: true, minLength: 1}
            """)
        directory.write("tools/fail/fail.yaml", """
            name: Fail
            type: executable
            executable: {command: sh, args: ["-c", "echo '{\\"success\\": false, \\"error\\": \\"boom\\"}'; exit 3"]}
            """)
        database = try TestDatabase(.sqlite)
        var config = database.hostConfig(toolsPaths: [directory.url("tools")])
        config.catalogueCache.isEnabled = false
        config.service.maxConcurrentCalls = 2  // each host's threads outlive its test
        configure(&config)
        let invoker = ToolInvoker(config: config, handlers: BuiltinHandlers.registry, hostEnvironment: ["PATH": "/usr/bin:/bin"])
        host = ServiceHost(invoker: invoker, recorder: nil, warn: { _ in })
    }

    /// Every tool id, in the order the front ends list them.
    var toolIDs: [String] { host.catalogue.current.sortedTools.map(\.id) }
}
