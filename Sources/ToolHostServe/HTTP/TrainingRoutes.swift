#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import ToolHostCore
import ToolHostService

/// `/api/training/...`: the conversation training data, served by calls of the
/// `conversation_store` tool (so they are validated and recorded like any call).
///
/// - `POST /api/training/export` with `{"conversation_id": n}`: one conversation as a document;
///   with `{limit, min_quality, only_unexported, mark_exported}`: the matching conversations as
///   one JSON answer, or, with `format` (json, jsonl, openai-chat), the export file itself.
/// - `GET /api/training/stats`, `POST /api/training/mark-exported/{conversation_id}`.
struct TrainingRoutes {
    let host: ServiceHost
    static let tool = "conversation_store"

    var routes: [APIRoute] { [export, stats, markExported] }

    private var export: APIRoute {
        APIRoute(.post, "/api/training/export", APIOperation(
            id: "export_training_data", summary: "Export conversations as training data",
            description: "`{\"conversation_id\": n}`: one conversation as a document. Else the conversations matching `limit`, `min_quality`, `only_unexported` (and `mark_exported` to mark them), as one JSON answer, or with `format` the export file itself.",
            tags: ["training"],
            requestBody: APIBody(description: "What to export.", schema: NullableOptionals.applied(to: Self.exportSchema), required: false),
            responses: APIResponses.call(success: "The export: a JSON answer, or with `format` the file (X-ToolHost-Conversations: how many).").map { response in
                guard response.status == 200 else { return response }
                var file = response
                file.content.append(("application/x-ndjson", ["type": "string"]))
                file.headers.append(("X-ToolHost-Conversations", "Conversations in the exported file.", ["type": "integer"]))
                return file
            }
        )) { [self] request, _ in
            var input = try await RequestBody.object(of: request, limit: host.config.service.maxRequestBytes)
            if input["conversation_id"] != nil {
                input["operation"] = "export_conversation"
                return await answer(input)
            }
            input["operation"] = "export_conversations"
            guard let format = input["format"]?.stringValue else { return await answer(input) }
            return try await exportFile(input, format: format)
        }
    }

    private var stats: APIRoute {
        APIRoute(.get, "/api/training/stats", APIOperation(
            id: "training_stats", summary: "Counts of the training data (conversation_store training_stats)", tags: ["training"],
            responses: APIResponses.call(success: "The counts.")
        )) { [self] _, _ in
            await answer(["operation": "training_stats"])
        }
    }

    private var markExported: APIRoute {
        APIRoute(.post, "/api/training/mark-exported/{conversation_id}", APIOperation(
            id: "mark_exported", summary: "Mark one conversation as exported", tags: ["training"],
            parameters: [.path("conversation_id", "The conversation's id.", schema: Self.conversationID)],
            responses: APIResponses.call(success: "The conversation is marked.")
        )) { [self] _, context in
            let text = try context.parameters.require("conversation_id")
            guard let id = Int(text) else {
                throw HTTPFailure(.badRequest, .invalidRequest, "The conversation id must be a whole number, not \"\(text)\".")
            }
            return await answer(["operation": "mark_exported", "conversation_id": .int(id)])
        }
    }

    /// The body of an export: one conversation, or a selection (the `conversation_store`
    /// fields these operations take; the tool validates them further). A null is "not given",
    /// as everywhere: beside `conversation_id` the selection's fields may only be null.
    private static let exportSchema: JSONValue = [
        "oneOf": [
            ["type": "object", "required": ["conversation_id"], "additionalProperties": false,
             "properties": .object(JSONObject([("conversation_id", conversationID)] + selection.keys.map { ($0, ["type": "null"]) }))],
            ["type": "object", "additionalProperties": false, "properties": .object(selection)],
        ],
    ]

    /// What selects the conversations of an export, and how it is written.
    private static let selection: JSONObject = [
        "limit": ["type": "integer", "minimum": 1],
        "min_quality": ["type": "number", "minimum": 0, "maximum": 1],
        "only_unexported": ["type": "boolean"],
        "mark_exported": ["type": "boolean"],
        "since": ["type": "string"],
        "until": ["type": "string"],
        "format": ["type": "string", "enum": ["json", "jsonl", "openai-chat", "openai-preference"]],
        "system_prompt": ["type": "string"],
        "system_prompt_mode": ["type": "string", "enum": ["replace", "merge"]],
        "trailing_turns": ["type": "string", "enum": ["cut", "skip"]],
        "zero_weight_below": ["type": "number", "minimum": 0, "maximum": 1],
        "scrub": ["type": "boolean"],
        "deduplicate": ["type": "boolean"],
    ]

    /// A conversation's id: a positive whole number that fits the database's 64 bits.
    private static let conversationID: JSONValue = ["type": "integer", "minimum": 1, "maximum": .integer(Int64.max)]

    /// The answer of one `conversation_store` call.
    private func answer(_ input: JSONObject) async -> Response {
        JSONResponses.answer(await host.call(CallRequest(toolID: Self.tool, input: .object(input))), of: host)
    }

    /// Runs the export into a file of a private temporary folder inside `files.export_dir` (the
    /// tool writes only there) and answers with the file.
    private func exportFile(_ input: JSONObject, format: String) async throws -> Response {
        let exports = host.config.files.exportDirectory
        do {
            try FileIO.makeDirectories(exports)
        } catch {
            throw HTTPFailure(.internalServerError, .ioError, "Cannot create the export folder: \(error.reason).")
        }
        var template = Array(FilePath.join(exports, ".http-export-XXXXXX").utf8CString)
        guard let directory = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            throw HTTPFailure(.internalServerError, .ioError, "Cannot create a temporary folder for the export: \(String(cString: strerror(errno))).")
        }
        let file = FilePath.join(directory, "export")
        defer {
            unlink(file)
            rmdir(directory)
        }
        var input = input
        input["output_path"] = .string(file)
        let answer = await host.call(CallRequest(toolID: Self.tool, input: .object(input)))
        guard answer.succeeded else { return JSONResponses.answer(answer, of: host) }
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(file)
        } catch {
            throw HTTPFailure(.internalServerError, .ioError, "The export was written but cannot be read back: \(error.reason).")
        }
        var headers: HTTPFields = [.contentType: format == "json" ? "application/json" : "application/x-ndjson"]
        headers[JSONResponses.exitCodeField] = "0"
        if let count = answer.value["count"]?.integerValue { headers[HTTPField.Name("X-ToolHost-Conversations")!] = String(count) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
