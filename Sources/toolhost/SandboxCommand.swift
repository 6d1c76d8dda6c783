import ArgumentParser
import ToolHostCommandLine
import ToolHostCore

/// `toolhost sandbox`: which confinement plugin runs get on this machine, with this config.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Show how plugins are confined here: cgroups, seccomp, no_new_privs, network, Landlock.",
        discussion: """
            Each measure is "in force", "off", or "requested but unavailable" (the kernel or the \
            privileges do not allow it: a plugin run that needs it is refused with \
            sandbox_unavailable, except cgroups in auto mode, where runs keep their process group \
            only). Configure with plugins.sandbox in the config; a tool's own sandbox: block can \
            only tighten it. Exits 1 when something requested is unavailable.
            """)
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let config = try global.loadConfigOrExit()
        let measures = SandboxSupport.measures(for: config.plugins.sandbox)
        let missing = measures.filter { $0.requested && !$0.available && !($0.name == "cgroups" && config.plugins.sandbox.cgroups == .auto) }
        if json {
            Console.print(JSONWriter.string(["success": .bool(missing.isEmpty), "measures": .array(measures.map(\.json))]))
        } else {
            for measure in measures {
                Console.print(measure.name + String(repeating: " ", count: max(1, 19 - measure.name.count)) + "\(measure.state): \(measure.detail)")
            }
        }
        if !missing.isEmpty { throw ExitCode(1) }
    }
}
