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

    func add(to router: Router<BasicRequestContext>) {
        router.post("/api/training/export") { request, _ in
            var input = try await RequestBody.object(of: request, limit: host.config.service.maxRequestBytes)
            if input["conversation_id"] != nil {
                input["operation"] = "export_conversation"
                return await answer(input)
            }
            input["operation"] = "export_conversations"
            guard let format = input["format"]?.stringValue else { return await answer(input) }
            return try await exportFile(input, format: format)
        }
        router.get("/api/training/stats") { _, _ in
            await answer(["operation": "training_stats"])
        }
        router.post("/api/training/mark-exported/:conversation_id") { _, context in
            let text = try context.parameters.require("conversation_id")
            guard let id = Int(text) else {
                throw HTTPFailure(.badRequest, .invalidRequest, "The conversation id must be a whole number, not \"\(text)\".")
            }
            return await answer(["operation": "mark_exported", "conversation_id": .int(id)])
        }
    }

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
