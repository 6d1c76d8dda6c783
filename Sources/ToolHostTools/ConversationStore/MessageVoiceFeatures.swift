import ToolHostAudio
import ToolHostCore

/// `add_message`'s `audio`: the voice features the message's recording gives, filled in where
/// the caller left them out — `voice_pitch` (the median pitch of its voiced speech, Hz) and
/// `audio_quality` (`audio_features`' quality score) — and named in the answer's
/// `computed_from_audio`. The audio is analysed before the message's transaction opens, so a
/// long recording holds no lock; the audio itself is not stored.
enum MessageVoiceFeatures {
    /// `operation` with the audio analysed first.
    static func filling(_ operation: Operation) -> Operation {
        Operation(operation.name, nature: operation.nature) { input, context in
            guard case .object(let audio)? = input["audio"] else { return try operation.run(input, context) }
            let source = AudioInput(fields: audio, pointer: "/audio", tool: context.tool.id)
            // An AudioDecodingError becomes its ToolHostError where every operation's does (Operation.run).
            let analysis = try AudioAnalyzer().analyze(try source.signal(config: context.config))
            var fields = input.fields
            fields["audio"] = nil
            var computed: [JSONValue] = []
            if input["voice_pitch"] == nil, let pitch = analysis.pitch.medianHz {
                fields["voice_pitch"] = .double(AudioAnalysis.rounded(pitch, 2))
                computed.append("voice_pitch")
            }
            if input["audio_quality"] == nil {
                fields["audio_quality"] = .double(AudioAnalysis.rounded(analysis.quality.score, 3))
                computed.append("audio_quality")
            }
            let answer = try operation.run(OperationInput(fields, tool: context.tool.id), context)
            guard case .fields(var members) = answer else { return answer }
            members["computed_from_audio"] = .array(computed)
            return .fields(members)
        }
    }
}
