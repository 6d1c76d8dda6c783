#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// The catalogue as a long-lived process sees it: loaded once, then reloaded when the files of
/// the tools directories change (checked every `service.catalogue_poll_seconds`).
///
/// Calls look tools up in memory instead of reading YAML each time. An id the snapshot does
/// not know is looked up on disk, so a tool written a moment ago runs before the next check.
public final class LiveCatalogue: Sendable {
    public let tools: ToolsManager
    private let state: Mutex<Snapshot>
    private let listeners = Mutex<[@Sendable (Catalogue) -> Void]>([])
    private let refreshing = Mutex<Void>(())

    private struct Snapshot: Sendable {
        var catalogue: Catalogue
        var files: [ToolFile]
        var missingRoots: [String]
        var generation: Int
    }

    public init(tools: ToolsManager) {
        self.tools = tools
        let files = Self.scan(tools)
        state = Mutex(Snapshot(catalogue: tools.loadCatalogue(), files: files.files, missingRoots: files.missingRoots, generation: 1))
    }

    /// The tools as last loaded.
    public var current: Catalogue { state.withLock { $0.catalogue } }

    /// Goes up by one every time the catalogue is reloaded after a change on disk.
    public var generation: Int { state.withLock { $0.generation } }

    /// The definition of `id` from the snapshot, else from disk (with the unknown-tool error
    /// and its suggestions when the disk has no such tool either).
    public func definition(for id: String) throws(ToolHostError) -> ToolDefinition {
        let catalogue = current
        if catalogue.tools[id] != nil || catalogue.conflicts[id] != nil || catalogue.failures[id] != nil {
            return try catalogue.definition(for: id)
        }
        return try tools.definition(for: id)
    }

    /// `body` is told of every reload, on the thread that noticed the change.
    public func onChange(_ body: @escaping @Sendable (Catalogue) -> Void) {
        listeners.withLock { $0.append(body) }
    }

    /// Rescans the tools directories; reloads and tells the listeners when a file was added,
    /// removed or changed. Returns whether it did.
    @discardableResult
    public func refreshIfChanged() -> Bool {
        // One refresh at a time (the watcher and handlers both ask): a slower reload must not
        // store an older catalogue over a newer one, nor announce one change twice.
        refreshing.withLock { _ in refreshLocked() }
    }

    private func refreshLocked() -> Bool {
        let scan = Self.scan(tools)
        let unchanged = state.withLock { $0.files == scan.files && $0.missingRoots == scan.missingRoots }
        guard !unchanged else { return false }
        let catalogue = tools.loadCatalogue()
        state.withLock { snapshot in
            snapshot = Snapshot(catalogue: catalogue, files: scan.files, missingRoots: scan.missingRoots,
                                generation: snapshot.generation + 1)
        }
        for listener in listeners.withLock({ $0 }) { listener(catalogue) }
        return true
    }

    /// Checks for changes every `seconds` on a thread of its own, for the life of the process.
    public func watch(every seconds: Double) {
        guard seconds > 0, seconds.isFinite else { return }
        let interval = useconds_t(min(seconds, 3600) * 1_000_000)
        WorkerThreads.startThread { [self] in
            while true {
                usleep(interval)
                refreshIfChanged()
            }
        }
    }

    /// The files that make up the catalogue, with what tells a changed file apart.
    private static func scan(_ tools: ToolsManager) -> (files: [ToolFile], missingRoots: [String]) {
        let scan = CatalogueScanner.scan(roots: tools.roots, optionalRoots: tools.optionalRoots)
        return (scan.files, tools.roots.filter { !FileIO.isDirectory($0) })
    }
}
