extension ToolDescription {
    /// A tool's OpenAI `tools` entry in strict mode where its schema allows it.
    public struct OpenAIStrictEntry: Sendable {
        /// The entry: `"strict": true` with the strict schema, else the plain entry with
        /// `"strict": false`.
        public let entry: JSONValue
        /// Why the tool is not strict (empty when it is).
        public let problems: [String]
        /// What strict mode does not take and was left out (the host still checks it).
        public let leftOut: [String]

        public var isStrict: Bool { problems.isEmpty }
    }

    /// The entry of OpenAI's `tools` array with `"strict": true` (see `OpenAIStrictSchema`),
    /// or the plain entry marked `"strict": false` and the reasons.
    public static func openAIStrict(_ tool: ToolDefinition) -> OpenAIStrictEntry {
        let wire = OperationSchemas.wireSchema(tool.inputSchema)
        let strict = OpenAIStrictSchema.convert(wire)
        var function: JSONObject = [
            "name": .string(openAIFunctionName(tool.id)),
            "description": .string(tool.description),
            "parameters": strict.schema ?? wire,
        ]
        function["strict"] = .bool(strict.schema != nil)
        return OpenAIStrictEntry(entry: ["type": "function", "function": .object(function)],
                                 problems: strict.problems, leftOut: strict.leftOut)
    }
}
