import Foundation
import Testing
import ToolHostCore
import ToolHostTestSupport

/// `audio_features` through the real binary on audio made by espeak-ng and sox, held against
/// Praat's pitch, sox's levels and the silences sox put in.
@Suite struct AudioFeaturesTests {
    let folder = TemporaryDirectory()
    let binary = ToolHostBinary()
    var audio: AudioMaker { AudioMaker(folder: folder) }

    private func analyze(_ input: String) throws -> (status: Int32, answer: JSONValue) {
        let result = try binary.run(["run", "audio_features"], stdin: Array(input.utf8), directory: folder.path)
        return (result.status, result.json)
    }

    private func analyzed(_ file: String, _ extra: String = "") throws -> JSONValue {
        let (status, answer) = try analyze(#"{"path": "\#(file)"\#(extra)}"#)
        #expect(status == 0, "\(answer)")
        return answer
    }

    @Test func speechPitchIsWithinTwoPercentOfPraat() throws {
        var files: [String] = []
        for (voice, pitches) in [("en", [20, 50, 80]), ("en+f3", [20, 80]), ("de", [35, 65]), ("fr+f2", [50]), ("en-us+m3", [10, 90])] {
            for pitch in pitches {
                files.append(try audio.speech("\(voice)-\(pitch).wav", "The quick brown fox jumps over the lazy dog while children play in the garden",
                                              voice: voice, pitch: pitch))
            }
        }
        let praat = try audio.praatMedians(files)
        for file in files {
            let reference = try #require(praat[file], "Praat found no voiced frame in \(file)")
            let ours = try #require(try analyzed(file)["pitch"]?["median_hz"]?.numberValue, "\(file)")
            let error = abs(ours - reference) / reference
            #expect(error <= 0.02, "\(file): \(ours) Hz, Praat \(reference) Hz")
        }
    }

    @Test func tonePitchIsWithinHalfAPercent() throws {
        let tones: [(shape: String, hz: Double, rate: Int)] = [
            ("sine", 110, 8000), ("sine", 220, 16000), ("sine", 333.3, 44100), ("sine", 87.5, 48000),
            ("square", 150, 22050), ("sawtooth", 440, 16000), ("triangle", 61, 16000),
        ]
        for (index, tone) in tones.enumerated() {
            let file = try audio.tone("tone\(index).wav", tone.shape, hz: tone.hz, rate: tone.rate)
            let pitch = try #require(try analyzed(file)["pitch"]?.objectValue, "\(file)")
            let median = try #require(pitch["median_hz"]?.numberValue, "\(tone): no pitch")
            #expect(abs(median - tone.hz) / tone.hz <= 0.005, "\(tone.shape) \(tone.hz) Hz at \(tone.rate) Hz: \(median)")
            let voiced = pitch["voiced_fraction"]?.numberValue ?? 0
            #expect(voiced > 0.9, "\(tone): voiced fraction \(voiced)")
        }
    }

    @Test func insertedSilencesAreFoundWithinFiftyMilliseconds() throws {
        let first = try audio.trimmedSpeech("a.wav", "Good morning and welcome to the show")
        let second = try audio.trimmedSpeech("b.wav", "Today we talk about the weather")
        let third = try audio.trimmedSpeech("c.wav", "Thank you for listening")
        let gaps = [0.6, 1.4]
        let joined = try audio.join("talk.wav", [first, try audio.silence("gap1.wav", seconds: gaps[0]), second,
                                                 try audio.silence("gap2.wav", seconds: gaps[1]), third])
        let firstEnd = try audio.seconds(first)
        let secondStart = firstEnd + gaps[0]
        let secondEnd = secondStart + (try audio.seconds(second))
        let expected = [(firstEnd, secondStart), (secondEnd, secondEnd + gaps[1])]

        let answer = try analyzed(joined)
        let segments = try #require(answer["segments"]?.arrayValue)
        let silences = segments.filter { $0["type"] == "silence" }.compactMap { segment -> (Double, Double)? in
            guard let start = segment["start_s"]?.numberValue, let end = segment["end_s"]?.numberValue else { return nil }
            return (start, end)
        }
        for (start, end) in expected {
            let found = silences.contains { abs($0.0 - start) <= 0.05 && abs($0.1 - end) <= 0.05 }
            #expect(found, "no silence within 50 ms of \(start)–\(end) s: \(silences)")
        }
        #expect(silences.count == expected.count, "only the inserted silences: \(silences)")
        let total = try #require(answer["duration_s"]?.numberValue)
        #expect(segments.first?["start_s"] == 0.0 && segments.last?["end_s"]?.numberValue == total)
        let silenceRatio = try #require(answer["quality"]?["silence_ratio"]?.numberValue)
        #expect(abs(silenceRatio - gaps.reduce(0, +) / total) < 0.05)
    }

    @Test func energyIsWithinATenthOfADecibelOfSoxStat() throws {
        let files = [
            try audio.tone("sine.wav", "sine", hz: 200, gain: -12),
            try audio.tone("square.wav", "square", hz: 90, rate: 44100, bits: 24, gain: -3),
            try audio.speech("speech.wav", "Measure my level please"),
            try audio.join("stereo.wav", ["-M", try audio.tone("left.wav", "sine", hz: 300, rate: 22050, gain: -9), "speech.wav"]),
        ]
        for file in files {
            let sox = try audio.soxLevels(file)
            let energy = try #require(try analyzed(file)["energy"]?.objectValue, "\(file)")
            let rms = try #require(energy["rms_dbfs"]?.numberValue), peak = try #require(energy["peak_dbfs"]?.numberValue)
            #expect(abs(rms - sox.rms) <= 0.1, "\(file): rms \(rms) dBFS, sox \(sox.rms)")
            #expect(abs(peak - sox.peak) <= 0.1, "\(file): peak \(peak) dBFS, sox \(sox.peak)")
        }
    }

    /// The quality score follows what spoils a recording: the same speech with noise under it, and
    /// driven into clipping, scores lower than clean.
    @Test func qualityFallsWithNoiseAndClipping() throws {
        let clean = try audio.speech("clean.wav", "The quality of this recording is measured three times")
        try audio.run("sox", ["-n", "-r", "22050", "-b", "16", "-c", "1", "noise.wav", "synth", String(try audio.seconds(clean)), "whitenoise", "gain", "-28"])
        let noisy = try audio.join("noisy.wav", ["-m", clean, "noise.wav"])
        try audio.run("sox", [clean, "clipped.wav", "gain", "18"])
        let scores = try [clean, noisy, "clipped.wav"].map { file in
            let quality = try #require(try analyzed(file)["quality"]?.objectValue, "\(file)")
            return (score: quality["score"]?.numberValue ?? -1, snr: quality["snr_db"]?.numberValue ?? -1, clipping: quality["clipping_ratio"]?.numberValue ?? -1)
        }
        #expect(scores[0].score > 0.8 && scores[0].clipping == 0, "clean: \(scores[0])")
        #expect(scores[1].snr < scores[0].snr - 20 && scores[1].score < scores[0].score, "noisy: \(scores[1]) against \(scores[0])")
        #expect(scores[2].clipping > 0.01 && scores[2].score == 0, "clipped: \(scores[2])")
    }

    @Test func badAudioIsRefusedWithAClearCode() throws {
        _ = folder.write("text.wav", "this is not audio at all, just words")
        _ = folder.write("empty.wav", "")
        _ = folder.write("headless.wav", bytes: Array("RIFF".utf8) + [36, 0, 0, 0] + Array("WAVE".utf8) + Array("data".utf8) + [4, 0, 0, 0, 1, 2, 3, 4])
        try audio.run("sox", ["-n", "-r", "8000", "-e", "u-law", "ulaw.wav", "synth", "0.5", "sine", "300"])
        _ = try audio.tone("short.wav", "sine", hz: 200, seconds: 0.02)
        let outside = TemporaryDirectory()
        let elsewhere = try AudioMaker(folder: outside).tone("elsewhere.wav", "sine", hz: 200)
        let cases: [(input: String, code: String, status: Int32)] = [
            (#"{"path": "text.wav"}"#, "invalid_audio", 2),
            (#"{"path": "empty.wav"}"#, "invalid_audio", 2),
            (#"{"path": "headless.wav"}"#, "invalid_audio", 2),
            (#"{"path": "ulaw.wav"}"#, "unsupported_audio", 2),
            (#"{"path": "short.wav"}"#, "invalid_audio", 2),
            (#"{"path": "\#(outside.url(elsewhere))"}"#, "path_not_allowed", 2),
            (#"{"path": "../\#(FilePath.lastComponent(of: outside.path))/\#(elsewhere)"}"#, "path_not_allowed", 2),
            (#"{"path": "missing.wav"}"#, "not_found", 1),
            (#"{"path": "/no/such/folder/x.wav"}"#, "path_not_allowed", 2),  // outside: refused before it is looked up
            (#"{"pcm_base64": "AAAAAAAA", "sample_rate": 16000, "encoding": "alaw"}"#, "unsupported_audio", 2),
            (#"{"pcm_base64": "AAAAAAAA", "sample_rate": 1000}"#, "unsupported_audio", 2),
            (#"{"pcm_base64": "AAE=", "sample_rate": 16000, "encoding": "f32le"}"#, "invalid_audio", 2),
            (#"{"pcm_base64": "not base64!", "sample_rate": 16000}"#, "invalid_input", 2),
            (#"{"pcm_base64": "AAAA"}"#, "invalid_input", 2),
            (#"{"path": "text.wav", "wav_base64": "AAAA"}"#, "invalid_input", 2),
            (#"{}"#, "invalid_input", 2),
            (#"{"operation": "analyze", "path": "text.wav", "pitch_floor_hz": 300, "pitch_ceiling_hz": 400}"#, "invalid_input", 2),
        ]
        for (input, code, status) in cases {
            let result = try analyze(input)
            #expect(result.answer["error_code"]?.stringValue == code, "\(input): \(result.answer)")
            #expect(result.status == status, "\(input): exit \(result.status)")
            let message = result.answer["error"]?.stringValue ?? ""
            #expect(message.hasSuffix(".") && !message.contains("Swift"), "\(input): \(message)")
        }
    }
}
