import Synchronization

extension ToolInvoker {
    /// The stderr observer a child process of the call gets: the caller's own (live stderr),
    /// and, when the caller asked for progress, a reader of the plugin's progress lines
    /// (`StderrProgress`) that passes them to `options.progress`.
    static func observingProgress(of toolID: String, options: Options) -> (@Sendable (ArraySlice<UInt8>) -> Void)? {
        guard let progress = options.progress else { return options.stderrObserver }
        let passOn = options.stderrObserver
        let lines = StderrProgress(toolID: toolID, reporter: progress, warn: options.warn)
        return { chunk in
            passOn?(chunk)
            lines.consume(chunk)
        }
    }
}

/// One call's reading of its plugins' stderr for progress lines. A line that starts like one
/// but cannot be read is warned about once per call, so that a plugin's author learns why
/// nothing shows.
final class StderrProgress: Sendable {
    private let toolID: String
    private let reporter: ProgressReporter
    private let warn: @Sendable (String) -> Void
    private let state = Mutex((reader: ProgressLineReader(), warned: false))

    init(toolID: String, reporter: ProgressReporter, warn: @escaping @Sendable (String) -> Void) {
        self.toolID = toolID
        self.reporter = reporter
        self.warn = warn
    }

    func consume(_ chunk: ArraySlice<UInt8>) {
        let (reports, unreadable) = state.withLock { state in
            let (reports, unreadable) = state.reader.read(chunk)
            guard let first = unreadable.first, !state.warned else { return (reports, nil as String?) }
            state.warned = true
            return (reports, first)
        }
        reports.forEach(reporter.report)
        if let unreadable {
            warn("\(toolID) wrote a progress line ToolHost cannot read (\"\(unreadable.prefix(80))\"): write `toolhost:progress DONE[/TOTAL] [MESSAGE]` with numbers, e.g. `toolhost:progress 3/10 copying`.")
        }
    }
}
