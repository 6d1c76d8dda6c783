#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show one tool (or --all): its normalised input schema, how it runs, and every key of its YAML.",
        discussion: """
            --format mcp prints the tool's entry of an MCP `tools/list` result; --format openai \
            prints its entry of OpenAI's function-calling `tools` array. Both carry the normalised \
            JSON Schema. A tool with several operations (an `operations:` section) has one schema \
            per operation: yaml and json show them as a `oneOf` keyed on `operation`; mcp and \
            openai as an if/then/else chain with every field at the top, since model APIs refuse a \
            top-level `oneOf`.

            --all prints every tool of the catalogue as one JSON array (a YAML list for yaml): \
            `toolhost describe --all --format openai` is a whole `tools` array.

            --strict (with --format openai) gives each tool OpenAI's strict mode where its schema \
            allows it: "strict": true, every property required, the optional ones nullable (a null \
            is "not given"), "additionalProperties": false on every object, and only the keywords \
            strict mode takes. Keywords it lacks that only narrow a value (minLength, default, an \
            operation's own required fields...) are left out, since ToolHost validates every call \
            against the full schema. A tool whose schema strict mode cannot express (an object open \
            to any keys, a value of any type, allOf, not) keeps its plain entry with "strict": \
            false, and stderr says why.

            Examples:
              toolhost describe word_stats --format mcp
              toolhost describe --all --format openai --strict > tools.json
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json, mcp, openai
    }

    @Argument(help: "The tool id.", completion: ToolCompletion.toolIDs)
    var tool: String?

    @Flag(name: .long, help: "Every tool of the catalogue, as one array.")
    var all = false

    @Option(name: .long, help: "yaml (default), json, mcp or openai.")
    var format: Format = .yaml

    @Flag(name: .long, help: "With --format openai: OpenAI strict-mode schemas where a tool's schema allows it (stderr says why not where not).")
    var strict = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if all, tool != nil { throw ValidationError("Give a tool id or --all, not both.") }
        if !all, tool == nil { throw ValidationError("Give a tool id, or --all for every tool.") }
        if strict, format != .openai { throw ValidationError("--strict applies to --format openai only.") }
    }

    func run() throws {
        let config: HostConfig
        let catalogue: Catalogue
        let definitions: [ToolDefinition]
        do {
            config = try global.loadConfig()
            catalogue = ToolsManager(config: config, handlers: BuiltinHandlers.registry).loadCatalogue()
            if let tool {
                definitions = [try catalogue.definition(for: tool)]
            } else {
                definitions = catalogue.sortedTools
            }
        } catch {
            throw Console.fail(error)
        }
        let descriptions = strict ? strictEntries(definitions) : definitions.map { describe($0, in: catalogue, config: config) }
        let output: JSONValue = all ? .array(descriptions) : descriptions.first ?? .null
        if format == .yaml {
            Console.write(Array(YAMLWriter.string(output).utf8))
        } else {
            Console.printJSON(output, pretty: true)
        }
    }

    private func describe(_ definition: ToolDefinition, in catalogue: Catalogue, config: HostConfig) -> JSONValue {
        switch format {
        case .yaml, .json:
            // An openapi tool's operations come from its spec (ToolHostTools loads it).
            OpenAPIToolDescription.adding(to: ToolDescription.full(of: definition, in: catalogue, handlers: BuiltinHandlers.registry),
                                          for: definition, config: config)
        case .mcp: ToolDescription.mcp(definition, handlers: BuiltinHandlers.registry)
        case .openai: ToolDescription.openAI(definition)
        }
    }

    /// The strict entries; on stderr, why each tool that is not strict is not, and a count.
    private func strictEntries(_ definitions: [ToolDefinition]) -> [JSONValue] {
        let entries = definitions.map { ToolDescription.openAIStrict($0) }
        for (definition, entry) in zip(definitions, entries) where !entry.isStrict {
            Console.print("toolhost: \(definition.id) is not strict: \(entry.problems.joined(separator: "; "))", to: STDERR_FILENO)
        }
        if all {
            let notStrict = entries.filter { !$0.isStrict }.count
            Console.print("toolhost: \(entries.count - notStrict) of \(entries.count) tools strict\(notStrict > 0 ? ", \(notStrict) not (why above)" : "")",
                          to: STDERR_FILENO)
        }
        return entries.map { $0.entry }
    }
}
