import Foundation
import Testing
import ToolHostCore
import ToolHostTestSupport

/// End of utterance in a stream fed chunk by chunk — one `toolhost run` per chunk and one
/// `serve --jsonl` session — and the conversation store filling voice fields from audio.
@Suite struct AudioStreamTests {
    let folder = TemporaryDirectory()
    let binary = ToolHostBinary()
    var audio: AudioMaker { AudioMaker(folder: folder) }

    /// 1.5 s of silence, speech, 1.3 s of silence, speech, 1.2 s of silence, as 16 kHz s16le
    /// PCM; where each speech ends.
    private func conversation() throws -> (pcm: [UInt8], speechEnds: [Double], speechStarts: [Double]) {
        let first = try audio.trimmedSpeech("a.wav", "Could you book a table for two tonight")
        let second = try audio.trimmedSpeech("b.wav", "At eight would be perfect")
        let parts = [try audio.silence("lead.wav", seconds: 1.5), first, try audio.silence("gap.wav", seconds: 1.3), second,
                     try audio.silence("tail.wav", seconds: 1.2)]
        try audio.run("sox", parts + ["-r", "16000", "-b", "16", "-e", "signed-integer", "-t", "raw", "talk.raw"])
        let pcm = Array(try Data(contentsOf: URL(fileURLWithPath: folder.url("talk.raw"))))
        let firstEnd = 1.5 + (try audio.seconds(first))
        let secondStart = firstEnd + 1.3
        return (pcm, [firstEnd, secondStart + (try audio.seconds(second))], [1.5, secondStart])
    }

    private func chunkInput(_ session: String, _ bytes: ArraySlice<UInt8>) -> String {
        #"{"operation": "stream", "session_id": "\#(session)", "pcm_base64": "\#(Base64.encode(bytes))", "sample_rate": 16000}"#
    }

    private static func events(_ answers: [JSONValue]) -> [JSONValue] { answers.flatMap { $0["events"]?.arrayValue ?? [] } }

    @Test func utterancesEndOneSecondAfterSpeechWhetherChunksComeByRunOrBySession() throws {
        let talk = try conversation()
        let chunk = 3200  // 100 ms
        var byRun: [JSONValue] = []
        for start in stride(from: 0, to: talk.pcm.count, by: chunk) {
            let result = try binary.run(["run", "audio_features"], stdin: Array(chunkInput("call-1", talk.pcm[start..<min(start + chunk, talk.pcm.count)]).utf8),
                                        directory: folder.path)
            #expect(result.status == 0, "\(result.stdoutText)")
            byRun.append(result.json)
        }
        let events = Self.events(byRun)
        let ends = events.filter { $0["event"] == "utterance_end" }
        #expect(ends.count == 2, "\(events)")
        for (end, speechEnd) in zip(ends, talk.speechEnds) {
            let at = try #require(end["at_s"]?.numberValue), silenceFrom = try #require(end["speech_end_s"]?.numberValue)
            #expect(abs(silenceFrom - speechEnd) <= 0.05, "speech ended at \(speechEnd) s, reported \(silenceFrom)")
            #expect(abs(at - silenceFrom - 1.0) < 0.011, "utterance_end at \(at) s, silence from \(silenceFrom)")
        }
        let starts = events.filter { $0["event"] == "speech_start" }.compactMap { $0["at_s"]?.numberValue }
        #expect(starts.count == 2 && zip(starts, talk.speechStarts).allSatisfy { abs($0 - $1) <= 0.05 }, "\(starts) against \(talk.speechStarts)")
        // Reported with the chunk in which the second of silence was complete, never earlier.
        for (index, answer) in byRun.enumerated() {
            guard let end = answer["utterance_end"]?["at_s"]?.numberValue else { continue }
            let received = try #require(answer["received_s"]?.numberValue)
            #expect(end <= received && end > received - 0.1, "chunk \(index): end at \(end), received \(received)")
        }
        let received = byRun.last?["received_s"]?.numberValue ?? 0
        #expect(abs(received - Double(talk.pcm.count / 2) / 16000) <= 0.0005, "received \(received) s")

        // The same audio over one serve --jsonl session, in chunks of 250 ms: the same events.
        let server = try RunningProcess(binary.path, ["serve", "--jsonl"], directory: folder.path)
        defer { server.signal() }
        var bySession: [JSONValue] = []
        for (index, start) in stride(from: 0, to: talk.pcm.count, by: 8000).enumerated() {
            let input = chunkInput("call-2", talk.pcm[start..<min(start + 8000, talk.pcm.count)])
            server.write(#"{"id": \#(index), "tool": "audio_features", "input": \#(input)}"# + "\n")
            let line = try JSONParser.parse(try server.readLine())
            #expect(line["id"]?.integerValue == index && line["result"]?["success"] == true, "\(line)")
            bySession.append(line["result"] ?? .null)
        }
        #expect(Self.events(bySession) == events)
        server.closeInput()
        _ = try server.waitForExit()

        // The whole file analysed at once finds the same speech ends.
        let whole = try binary.run(["run", "audio_features"], stdin: Array(#"{"pcm_base64": "\#(Base64.encode(talk.pcm))", "sample_rate": 16000}"#.utf8),
                                   directory: folder.path).json
        let silenceStarts = (whole["segments"]?.arrayValue ?? []).filter { $0["type"] == "silence" }.compactMap { $0["start_s"]?.numberValue }
        let streamedEnds = ends.compactMap { $0["speech_end_s"]?.numberValue }
        let sameEnds = streamedEnds.allSatisfy { silenceStarts.contains($0) }
        #expect(sameEnds, "\(streamedEnds) against \(silenceStarts)")
    }

    @Test func silenceAloneNeverEndsAnUtteranceAndSessionsKeepTheirFormat() throws {
        let silence = [UInt8](repeating: 0, count: 16000 * 2 * 3)  // 3 s
        let quiet = try binary.run(["run", "audio_features"], stdin: Array(chunkInput("quiet", silence[...]).utf8), directory: folder.path).json
        #expect(quiet["events"] == [] && quiet["utterance_end"] == .null && quiet["speaking"] == false, "\(quiet)")

        let wrongRate = #"{"operation": "stream", "session_id": "quiet", "pcm_base64": "AAAAAA==", "sample_rate": 8000}"#
        let refused = try binary.run(["run", "audio_features"], stdin: Array(wrongRate.utf8), directory: folder.path)
        #expect(refused.status == 2 && refused.json["error_code"] == "invalid_input", "\(refused.stdoutText)")
        let otherSettings = #"{"operation": "stream", "session_id": "quiet", "pcm_base64": "AAAAAA==", "sample_rate": 16000, "silence_ms": 500}"#
        let changed = try binary.run(["run", "audio_features"], stdin: Array(otherSettings.utf8), directory: folder.path)
        #expect(changed.json["error_code"] == "invalid_input" && changed.json["error"]?.stringValue?.contains("silence_ms") == true, "\(changed.stdoutText)")

        let end = #"{"operation": "stream", "session_id": "quiet", "end": true}"#
        let closed = try binary.run(["run", "audio_features"], stdin: Array(end.utf8), directory: folder.path).json
        #expect(closed["closed"] == true && closed["received_s"] == 3.0, "\(closed)")
        let again = try binary.run(["run", "audio_features"], stdin: Array(end.utf8), directory: folder.path)
        #expect(again.json["error_code"] == "not_found", "\(again.stdoutText)")
    }

    @Test(arguments: Engine.allCases)
    func addMessageFillsVoicePitchAndQualityFromAudio(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let speech = try audio.speech("hello.wav", "Hello I would like to change my booking please", voice: "en+f3")
        func store(_ input: String) throws -> ToolHostBinary.Result {
            try binary.run(["run", "conversation_store"], stdin: Array(input.utf8), environment: database.environment, directory: folder.path)
        }
        let conversation = try #require(try store(#"{"operation": "start_conversation"}"#).json["conversation_id"]?.integerValue)
        let analysis = try binary.run(["run", "audio_features"], stdin: Array(#"{"path": "hello.wav"}"#.utf8), directory: folder.path).json

        let computed = try store(#"{"operation": "add_message", "conversation_id": \#(conversation), "role": "user", "content": "hello", "audio": {"path": "\#(speech)"}}"#)
        #expect(computed.status == 0 && computed.json["computed_from_audio"] == ["voice_pitch", "audio_quality"], "\(computed.stdoutText)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder.url(speech))))
        let given = try store(#"{"operation": "add_message", "conversation_id": \#(conversation), "role": "user", "content": "again", "voice_pitch": 123.5, "audio": {"wav_base64": "\#(Base64.encode(bytes))"}}"#)
        #expect(given.json["computed_from_audio"] == ["audio_quality"], "\(given.stdoutText)")
        let plain = try store(#"{"operation": "add_message", "conversation_id": \#(conversation), "role": "user", "content": "no audio"}"#)
        #expect(plain.json["success"] == true && plain.json["computed_from_audio"] == nil, "\(plain.stdoutText)")
        let refused = try store(#"{"operation": "add_message", "conversation_id": \#(conversation), "role": "user", "content": "bad", "audio": {"path": "/etc/hostname"}}"#)
        #expect(refused.status == 2 && refused.json["error_code"] == "path_not_allowed", "\(refused.stdoutText)")

        let document = try store(#"{"operation": "export_conversation", "conversation_id": \#(conversation)}"#).json
        let messages = try #require(document["conversation"]?["messages"]?.arrayValue, "\(document)")
        #expect(messages.count == 3, "the refused message is not stored: \(messages.count)")
        #expect(messages.first?["voice_pitch"]?.numberValue == analysis["pitch"]?["median_hz"]?.numberValue, "\(messages.first ?? .null)")
        #expect(messages.first?["audio_quality"]?.numberValue == analysis["quality"]?["score"]?.numberValue)
        #expect(messages.dropFirst().first?["voice_pitch"]?.numberValue == 123.5)
    }
}
