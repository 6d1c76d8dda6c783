import ToolHostAudio
import ToolHostCore

/// Whether a chunk may go on a session: of the session's rate and channels, and asking for the
/// settings it started with (a session's thresholds are fixed at its first chunk, since its
/// noise floor and open silence were measured by them).
struct StreamChunkCheck {
    let input: OperationInput
    let session: String
    let stream: SpeechStream
    let chunk: AudioSignal
    let settings: SpeechSettings
    let isNew: Bool

    func run() throws(ToolHostError) {
        guard chunk.sampleRate == stream.sampleRate, chunk.channels == stream.channels else {
            throw input.invalid(chunk.sampleRate == stream.sampleRate ? "channels" : "sample_rate",
                                "is \(chunk.sampleRate) Hz with \(chunk.channels) channel(s), but session \"\(session)\" is \(stream.sampleRate) Hz with \(stream.channels): a session keeps its first chunk's format")
        }
        guard !isNew else { return }
        let started = stream.detector.settings
        let asked: [(String, Bool)] = [
            ("silence_ms", settings.utteranceSilenceMilliseconds != started.utteranceSilenceMilliseconds),
            ("min_silence_ms", settings.minSilenceMilliseconds != started.minSilenceMilliseconds),
            ("min_speech_ms", settings.minSpeechMilliseconds != started.minSpeechMilliseconds),
            ("silence_threshold_dbfs", settings.silenceThresholdDBFS != started.silenceThresholdDBFS),
        ]
        if let (key, _) = asked.first(where: { $0.1 && input[$0.0] != nil }) {
            throw input.invalid(key, "differs from what session \"\(session)\" started with: a session keeps its first chunk's settings (end it and start another to change them)")
        }
    }
}
