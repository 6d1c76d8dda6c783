import ToolHostCore

/// A stream's state as JSON, to keep between the calls of a session (which may be separate
/// processes: `toolhost run` per chunk).
extension SpeechStream {
    public var state: JSONObject {
        let settings = detector.settings
        return [
            "sample_rate": .int(sampleRate), "channels": .int(channels),
            "silence_threshold_dbfs": .double(settings.silenceThresholdDBFS), "noise_margin_db": .double(settings.noiseMarginDB),
            "min_speech_ms": .int(settings.minSpeechMilliseconds), "min_silence_ms": .int(settings.minSilenceMilliseconds),
            "silence_ms": .int(settings.utteranceSilenceMilliseconds),
            "frames": .int(detector.frames), "speaking": .bool(detector.speaking),
            "run_start": detector.runStart.map { .int($0) } ?? .null, "silence_from": detector.silenceFrom.map { .int($0) } ?? .null,
            "utterance_open": .bool(detector.utteranceOpen),
            "block_minimum": detector.blockMinimum.isFinite ? .double(Double(detector.blockMinimum)) : .null,
            "completed_minimums": .array(detector.completedMinimums.map { .double(Double($0)) }),
            "pending": .array(pending.map { .double(Double($0)) }),
        ]
    }

    /// The stream `state` describes, or nil when it is not such a state (a damaged file).
    public init?(state: JSONObject) {
        guard let sampleRate = state["sample_rate"]?.integerValue, PCMFormat.sampleRates.contains(sampleRate),
              let channels = state["channels"]?.integerValue, PCMFormat.channelCounts.contains(channels),
              let threshold = state["silence_threshold_dbfs"]?.numberValue, let margin = state["noise_margin_db"]?.numberValue,
              let minSpeech = state["min_speech_ms"]?.integerValue, let minSilence = state["min_silence_ms"]?.integerValue,
              let silence = state["silence_ms"]?.integerValue, let frames = state["frames"]?.integerValue, frames >= 0,
              let speaking = state["speaking"]?.boolValue, let utteranceOpen = state["utterance_open"]?.boolValue,
              let minimums = state["completed_minimums"]?.arrayValue, let pending = state["pending"]?.arrayValue
        else { return nil }
        var settings = SpeechSettings()
        settings.silenceThresholdDBFS = threshold
        settings.noiseMarginDB = margin
        settings.minSpeechMilliseconds = minSpeech
        settings.minSilenceMilliseconds = minSilence
        settings.utteranceSilenceMilliseconds = silence
        self.init(sampleRate: sampleRate, channels: channels, settings: settings)
        detector.frames = frames
        detector.speaking = speaking
        detector.runStart = state["run_start"]?.integerValue
        detector.silenceFrom = state["silence_from"]?.integerValue
        detector.utteranceOpen = utteranceOpen
        detector.blockMinimum = state["block_minimum"]?.numberValue.map(Float.init) ?? .infinity
        detector.completedMinimums = minimums.compactMap { $0.numberValue.map(Float.init) }
        self.pending = pending.compactMap { $0.numberValue.map(Float.init) }
    }
}
