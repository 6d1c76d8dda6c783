import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show one tool: its normalised input schema, how it runs, and every key of its YAML.",
        discussion: """
            --format mcp prints the tool's entry of an MCP `tools/list` result; --format openai \
            prints its entry of OpenAI's function-calling `tools` array. Both carry the normalised \
            JSON Schema. A tool with several operations (an `operations:` section) has one schema \
            per operation: yaml and json show them as a `oneOf` keyed on `operation`; mcp and \
            openai as an if/then/else chain with every field at the top, since model APIs refuse a \
            top-level `oneOf`.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json, mcp, openai
    }

    @Argument(help: "The tool id.")
    var tool: String

    @Option(name: .long, help: "yaml (default), json, mcp or openai.")
    var format: Format = .yaml

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config: HostConfig
        let catalogue: Catalogue
        let definition: ToolDefinition
        do {
            config = try global.loadConfig()
            catalogue = ToolsManager(config: config, handlers: BuiltinHandlers.registry).loadCatalogue()
            definition = try catalogue.definition(for: tool)
        } catch {
            throw Console.fail(error)
        }
        let description: JSONValue = switch format {
        case .yaml, .json:
            // An openapi tool's operations come from its spec (ToolHostTools loads it).
            OpenAPIToolDescription.adding(to: ToolDescription.full(of: definition, in: catalogue, handlers: BuiltinHandlers.registry),
                                          for: definition, config: config)
        case .mcp: ToolDescription.mcp(definition, handlers: BuiltinHandlers.registry)
        case .openai: ToolDescription.openAI(definition)
        }
        if format == .yaml {
            Console.write(Array(YAMLWriter.string(description).utf8))
        } else {
            Console.printJSON(description, pretty: true)
        }
    }
}
