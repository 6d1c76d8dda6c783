import Foundation
import Testing
import ToolHostAudio
import ToolHostCore
import ToolHostTestSupport

/// WAV and PCM decoding on files built byte by byte, base64 as audio arrives in inputs, and a
/// stream's state across chunk boundaries and across processes (its JSON).
@Suite struct AudioDecodingTests {
    /// A RIFF/WAVE file: `fmt ` with `code`, then `chunks` as given (name, bytes), then `data`.
    private func wav(code: UInt16 = 1, channels: UInt16 = 1, rate: UInt32 = 16000, bits: UInt16 = 16, extensibleCode: UInt16? = nil,
                     before: [(String, [UInt8])] = [], data: [UInt8], dataSize: UInt32? = nil) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
        let blockAlign = channels * bits / 8
        var format = le(extensibleCode == nil ? code : 0xFFFE) + le(channels) + le(rate) + le(rate * UInt32(blockAlign)) + le(blockAlign) + le(bits)
        if let extensibleCode { format += le(UInt16(22)) + le(bits) + le(UInt32(4)) + le(extensibleCode) + [UInt8](repeating: 0, count: 14) }
        var body = Array("WAVE".utf8) + Array("fmt ".utf8) + le(UInt32(format.count)) + format
        for (name, bytes) in before { body += Array(name.utf8) + le(UInt32(bytes.count)) + bytes + (bytes.count % 2 == 1 ? [0] : []) }
        body += Array("data".utf8) + le(dataSize ?? UInt32(data.count)) + data
        return Array("RIFF".utf8) + le(UInt32(body.count)) + body
    }

    private func decode(_ bytes: [UInt8]) throws -> AudioSignal {
        try bytes.withUnsafeBytes { try WAVDecoder.decode($0) }
    }

    private func failure(_ bytes: [UInt8]) -> AudioDecodingError? {
        do { _ = try decode(bytes); return nil } catch { return error as? AudioDecodingError }
    }

    @Test func sixteenBitStereoIsKeptPerChannelAndAveragedForPitch() throws {
        // Frames (L, R): (16384, -16384), (32767, 0), (-32768, -32768).
        let data: [UInt8] = [0x00, 0x40, 0x00, 0xC0, 0xFF, 0x7F, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80]
        let signal = try decode(wav(channels: 2, data: data))
        #expect(signal.channels == 2 && signal.frameCount == 3 && signal.sampleRate == 16000)
        #expect(signal.interleaved == [0.5, -0.5, Float(32767) / 32768, 0, -1, -1])
        #expect(signal.mono == [0, Float(32767) / 65536, -1])
        #expect(signal.railLevel == Float(32767) / 32768)
    }

    @Test func twentyFourBitFloatAndExtensibleFormatsDecode() throws {
        let int24 = try decode(wav(bits: 24, data: [0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x40, 0x00, 0x00, 0x80]))
        #expect(int24.interleaved == [-1 / 8_388_608, 0.5, -1])
        let floats: [Float] = [0.25, -1.5, 0]
        let floatBytes = floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let float32 = try decode(wav(code: 3, bits: 32, data: floatBytes))
        #expect(float32.interleaved == floats && float32.railLevel == 1)
        let extensible = try decode(wav(bits: 32, extensibleCode: 3, data: floatBytes))
        #expect(extensible.interleaved == floats)
        let unsigned = try decode(wav(bits: 8, data: [128, 255, 0]))
        #expect(unsigned.interleaved == [0, Float(127) / 128, -1])
    }

    @Test func chunksBeforeTheDataAndACutShortDataChunkAreRead() throws {
        // An odd-sized LIST chunk (padded to even) before the data; a data chunk that claims the
        // streaming placeholder size and holds two frames and half of a third.
        let signal = try decode(wav(before: [("LIST", [1, 2, 3]), ("fact", [4, 0, 0, 0])], data: [0, 0x40, 0, 0xC0, 7], dataSize: 0xFFFF_FFFF))
        #expect(signal.interleaved == [0.5, -0.5])
    }

    @Test func brokenAndForeignFilesSayWhatIsWrong() {
        let pcm: [UInt8] = [0, 0, 0, 0]
        let cases: [([UInt8], AudioDecodingError)] = [
            ([], .empty("the file is empty")),
            (Array("RIFF\u{0}\u{0}\u{0}\u{0}AVI LIST".utf8), .notWAV("it does not start with a RIFF/WAVE header")),
            (Array("RIFF".utf8) + [4, 0, 0, 0] + Array("WAVE".utf8) + Array("data".utf8) + [4, 0, 0, 0] + pcm,
             .damaged("the WAV file's data chunk comes before the fmt chunk that describes it")),
            (Array(wav(data: pcm).dropLast(12)), .empty("the WAV file has no data chunk")),
            (wav(data: []), .empty("the WAV file's data chunk holds no whole frame")),
        ]
        for (bytes, expected) in cases {
            let error = failure(bytes)
            #expect(error == expected)
        }
        let adpcm = failure(wav(code: 2, bits: 4, data: pcm))
        #expect(adpcm?.toolHostError.code == .unsupportedAudio && adpcm?.toolHostError.message.contains("Microsoft ADPCM") == true)
        let slow = failure(wav(rate: 1000, data: pcm))
        #expect(slow?.toolHostError.code == .unsupportedAudio)
        var badBlock = wav(channels: 2, data: pcm)
        badBlock[32] = 3  // block align 3 for 2 channels of 16 bits
        let block = failure(badBlock)
        #expect(block?.toolHostError.code == .invalidAudio && block?.toolHostError.message.contains("block size") == true)
    }

    @Test func base64TakesPaddingOptionalLineBreaksAndRefusesTheRest() {
        #expect(Base64.decode("aGk=") == Array("hi".utf8))
        #expect(Base64.decode("aGk") == Array("hi".utf8))
        #expect(Base64.decode("aGVs\nbG8g\r\nd29y bGQ=") == Array("hello world".utf8))
        #expect(Base64.decode("aGk=aGk=") == nil)
        #expect(Base64.decode("a-k=") == nil)
        #expect(Base64.decode("") == [])
        var random = SplitMix64(seed: 21)
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes, "\(length) bytes")
        }
    }

    /// A noisy tone with gaps, fed whole or in chunks of any size, and with the state written
    /// out and read back between chunks (as separate processes do), gives the same events.
    @Test func aStreamInAnyChunksGivesTheEventsOfTheWholeSignal() throws {
        var random = SplitMix64(seed: 7)
        let rate = 8000
        let samples = (0..<rate * 6).map { index -> Float in
            let second = Double(index) / Double(rate)
            let speaking = (1.0..<2.2).contains(second) || (2.6..<3.1).contains(second) || (4.5..<4.9).contains(second)
            let noise = Float(Double(random.below(1000)) / 1000 - 0.5) * 0.002
            return (speaking ? Float(0.3 * sin(2 * Double.pi * 180 * second)) : 0) + noise
        }
        var settings = SpeechSettings()
        settings.utteranceSilenceMilliseconds = 700
        func signal(_ part: ArraySlice<Float>) -> AudioSignal { AudioSignal(sampleRate: rate, channels: 1, interleaved: Array(part), railLevel: 1) }
        var whole = SpeechStream(sampleRate: rate, channels: 1, settings: settings)
        let expected = whole.feed(signal(samples[...]))
        // Three starts, two ends: the 0.4 s pause after the first speech ends no utterance.
        let starts = expected.filter { if case .speechStarted = $0 { true } else { false } }.count
        #expect(starts == 3 && expected.count == 5, "\(expected)")
        var chunked = SpeechStream(sampleRate: rate, channels: 1, settings: settings)
        var events: [SpeechStream.Event] = []
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + 1 + random.below(1500))
            events += chunked.feed(signal(samples[start..<end]))
            let text = JSONWriter.string(.object(chunked.state))
            guard case .object(let state) = try JSONParser.parse(text), let restored = SpeechStream(state: state) else {
                Issue.record("the state does not read back: \(text)")
                return
            }
            #expect(restored == chunked)
            chunked = restored
            start = end
        }
        #expect(events == expected)
        #expect(abs(chunked.receivedSeconds - 6) < 1e-9)
    }
}
