import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Install a tool definition (and its code) as a generated tool.",
        discussion: """
            The YAML is linted first (errors refuse it), written to tools.generated_path/<id>/ \
            so it runs at once, and stored in the generated_tools table when \
            database.storage_strategy.store_generated_tools is true, from where \
            `toolhost db restore-tools` can bring it back.
            """
    )

    @Argument(help: "The tool's YAML file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(name: .long, help: ArgumentHelp("The tool's code, written beside the YAML.", valueName: "file"), completion: .file())
    var code: String?

    @Option(name: .long, help: ArgumentHelp("The tool id (default: the YAML file name without extension).", valueName: "id"))
    var id: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let config = try global.loadConfig()
            let yaml = try read(file)
            let codeText = try code.map { path throws(ToolHostError) in try read(path) }
            let registered = try ToolRegistration(config: config, handlers: BuiltinHandlers.registry).register(
                yaml: yaml, id: id ?? FilePath.stem(of: file), code: codeText, codeFileName: code.map(FilePath.lastComponent(of:)))
            Console.printJSON(registered.answer, pretty: true)
            if let warning = registered.databaseWarning { Console.warn(warning) }
            if let warning = registered.approvalWarning { Console.warn(warning) }
        } catch {
            throw Console.fail(error)
        }
    }

    private func read(_ path: String) throws(ToolHostError) -> String {
        do {
            return String(decoding: try FileIO.read(path), as: UTF8.self)
        } catch {
            throw ToolHostError(.ioError, "Cannot read \(path): \(error.reason).")
        }
    }
}
