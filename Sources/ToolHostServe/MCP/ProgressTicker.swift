import ToolHostCore

/// The values of one call's `notifications/progress`. MCP requires `progress` to increase with
/// every notification, while a call's own reports may repeat a value or stall, and heartbeats
/// say nothing new: this keeps every value sent strictly above the last one.
///
/// - An item of a stream tool counts one (`progress` = items so far).
/// - A report (`CallProgress`) sends its `done` and `total`; a value not above the last sent
///   is nudged just above it, so the notification still goes out and its message is not lost.
/// - A heartbeat is nudged just above the last value with the last total: a display stays where
///   it was, and the client knows the call is alive (clients that reset their timeout on
///   progress keep waiting for a long call).
///
/// The nudge is tiny (a millionth of a unit, or a billionth of the value when that is larger)
/// so that a later real report, which is at least the last real value plus its own step,
/// stays above every heartbeat in between.
struct ProgressTicker {
    struct Notification: Equatable {
        var progress: Double
        var total: Double?
        var message: String?
    }

    private(set) var last: Double = 0
    private var items = 0
    private var total: Double?

    mutating func item(_ item: JSONValue) -> Notification {
        items += 1
        return advance(to: Double(items), message: JSONWriter.string(item))
    }

    mutating func report(_ progress: CallProgress) -> Notification {
        if let reported = progress.total, reported >= progress.done { total = reported }
        return advance(to: progress.done, message: progress.message)
    }

    mutating func heartbeat(elapsedSeconds: Double) -> Notification {
        advance(to: last, message: "still running after \(Int(elapsedSeconds.rounded())) s")
    }

    private mutating func advance(to value: Double, message: String?) -> Notification {
        last = value > last ? value : last + max(1e-6, last * 1e-9)
        // A total the value outgrew (a plugin that under-counted) no longer describes it.
        if let known = total, known < last { total = nil }
        return Notification(progress: last, total: total, message: message)
    }
}
