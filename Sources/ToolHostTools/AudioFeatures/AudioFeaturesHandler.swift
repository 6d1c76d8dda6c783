import ToolHostAudio
import ToolHostCore

/// `audio_features`: voice features of a recording — pitch (YIN), energy, quality, speech and
/// silence — and, fed chunk by chunk under a session id, the end of each utterance as it
/// happens. Needs no database. What each operation takes is in `audio_features.yaml`.
struct AudioFeaturesHandler: OperationHandler {
    let name = "audio_features"

    var operations: [Operation] {
        [
            Operation("analyze", nature: .readOnly) { input, context in
                let audio = AudioInput(fields: input.fields, pointer: "", tool: context.tool.id)
                let analyzer = try Self.analyzer(input)
                return .fields(try analyzer.analyze(try audio.signal(config: context.config)).json)
            },
            Operation("stream", nature: .write, body: Self.stream),  // keeps the session's state in the data directory
        ]
    }

    /// The analyser as the input sets it (pitch range, silence threshold, segment lengths).
    static func analyzer(_ input: OperationInput) throws(ToolHostError) -> AudioAnalyzer {
        var analyzer = AudioAnalyzer()
        if let floor = try input.optionalNumber("pitch_floor_hz") { analyzer.pitch.floorHz = floor }
        if let ceiling = try input.optionalNumber("pitch_ceiling_hz") { analyzer.pitch.ceilingHz = ceiling }
        guard analyzer.pitch.ceilingHz >= 2 * analyzer.pitch.floorHz else {
            throw input.invalid("pitch_ceiling_hz", "must be at least twice pitch_floor_hz (\(analyzer.pitch.floorHz) Hz): an octave to search at least")
        }
        analyzer.speech = try speechSettings(input)
        return analyzer
    }

    static func speechSettings(_ input: OperationInput) throws(ToolHostError) -> SpeechSettings {
        var settings = SpeechSettings()
        if let threshold = try input.optionalNumber("silence_threshold_dbfs") { settings.silenceThresholdDBFS = threshold }
        if let speech = try input.optionalInt("min_speech_ms") { settings.minSpeechMilliseconds = speech }
        if let silence = try input.optionalInt("min_silence_ms") { settings.minSilenceMilliseconds = silence }
        if let utterance = try input.optionalInt("silence_ms") { settings.utteranceSilenceMilliseconds = utterance }
        guard settings.minSilenceMilliseconds <= settings.utteranceSilenceMilliseconds else {
            throw input.invalid("min_silence_ms", "must not exceed silence_ms (\(settings.utteranceSilenceMilliseconds)): a pause that ends an utterance ends its speech segment")
        }
        return settings
    }

    /// One chunk of a session: its events, or, with `end`, the session closed.
    private static func stream(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        let session = try input.string("session_id")
        let audio = AudioInput(fields: input.fields, pointer: "", tool: context.tool.id)
        let ending = try input.optionalBool("end") ?? false
        let signal = audio.isGiven ? try audio.signal(config: context.config) : nil
        guard signal != nil || ending else {
            throw input.invalid("pcm_base64", "is required: give the next chunk of audio (pcm_base64, wav_base64 or path), or end: true to close the session")
        }
        let settings = try speechSettings(input)
        return try AudioStreamSessions(config: context.config).update(session) { (stream) throws(ToolHostError) -> OperationAnswer in
            var events: [SpeechStream.Event] = []
            if let signal {
                var current = stream ?? SpeechStream(sampleRate: signal.sampleRate, channels: signal.channels, settings: settings)
                try StreamChunkCheck(input: input, session: session, stream: current, chunk: signal, settings: settings, isNew: stream == nil).run()
                events = current.feed(signal)
                stream = current
            }
            guard let current = stream else {
                throw ToolHostError(.notFound, "No audio stream session \"\(session)\" is open: there is nothing to end.", details: ["session_id": .string(session)])
            }
            if ending { stream = nil }
            return .fields(StreamAnswer(session: session, stream: current, events: events, closed: ending).json)
        }
    }
}
