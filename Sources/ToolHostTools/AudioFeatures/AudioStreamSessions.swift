#if canImport(Glibc)
import Glibc
#endif
import ToolHostAudio
import ToolHostCore

/// Where stream sessions keep their state between chunks: one small JSON file per session under
/// `<data dir>/audio-streams`, so a session may be fed by separate `toolhost run` processes as
/// well as by one server, and survives neither more nor less than the data directory.
///
/// Each chunk reads, changes and replaces its session's file under an exclusive lock of the
/// session (`<name>.lock`), so two chunks of one session never interleave. File names are the
/// SHA-256 of the session id, so any id is a safe name. Sessions idle for a day are removed
/// when a new one starts.
struct AudioStreamSessions {
    static let idleSeconds: Int = 24 * 3600
    let directory: String

    init(config: HostConfig) {
        directory = FilePath.join(config.dataDirectory, "audio-streams")
    }

    /// Runs `change` on the session's stream (nil when it has none yet); a stream set to nil
    /// is removed.
    func update<Result>(_ session: String, _ change: (inout SpeechStream?) throws(ToolHostError) -> Result) throws(ToolHostError) -> Result {
        do {
            try FileIO.makeDirectories(directory)
        } catch {
            throw ToolHostError(.ioError, "Cannot create \(error.path) for audio stream sessions: \(error.reason).")
        }
        let name = FilePath.join(directory, String(SHA256.hex(session).prefix(32)))
        let lock = open(name + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw ToolHostError(.ioError, "Cannot open \(name).lock: \(String(cString: strerror(errno)).lowercased()).") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        let path = name + ".json"
        var stream = try load(path, session: session)
        let existed = stream != nil
        if !existed { sweep() }
        let result = try change(&stream)
        do {
            if let stream {
                try FileIO.writeAtomically(JSONWriter.bytes(.object(stream.state)), to: path)
            } else if existed {
                unlink(path)  // the lock stays: another chunk may be waiting on it (`sweep` removes it)
            }
        } catch {
            throw ToolHostError(.ioError, "Cannot keep the state of audio stream session \"\(session)\" in \(error.path): \(error.reason).")
        }
        return result
    }

    private func load(_ path: String, session: String) throws(ToolHostError) -> SpeechStream? {
        guard FileIO.exists(path) else { return nil }
        guard let bytes = try? FileIO.read(path), case .object(let state)? = try? JSONParser.parse(bytes), let stream = SpeechStream(state: state) else {
            throw ToolHostError(.ioError, "The state of audio stream session \"\(session)\" (\(path)) is damaged: end the session with end: true, or delete the file.")
        }
        return stream
    }

    /// Removes the state of sessions idle for longer than `idleSeconds`, and old locks of
    /// sessions that have no state.
    private func sweep() {
        guard let folder = opendir(directory) else { return }
        defer { closedir(folder) }
        let now = time(nil)
        while let entry = readdir(folder) {
            let file = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let path = FilePath.join(directory, file)
            var info = stat()
            guard file.hasSuffix(".json") || (file.hasSuffix(".lock") && !FileIO.exists(String(path.dropLast(5)) + ".json")),
                  stat(path, &info) == 0, now - info.st_mtim.tv_sec > Self.idleSeconds else { continue }
            unlink(path)
        }
    }
}
