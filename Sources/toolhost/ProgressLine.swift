#if canImport(Glibc)
import Glibc
#endif
import ToolHostCommandLine
import ToolHostCore

/// A one-line progress bar on stderr for long commands (`toolhost export`): rows, rows per
/// second and, when the total is known, a bar and the time left. Redrawn at most ten times a
/// second; silent when disabled (stderr is not a terminal).
final class ProgressLine {
    let enabled: Bool
    /// What is counted: "rows", "conversations".
    let unit: String
    private let started = MonotonicClock.now()
    private var lastDrawn = -1.0
    private var drawn = false

    init(enabled: Bool, unit: String = "rows") {
        self.enabled = enabled
        self.unit = unit
    }

    func update(rows: Int, total: Int?) {
        guard enabled else { return }
        let now = MonotonicClock.now()
        guard now - lastDrawn >= 0.1 else { return }
        lastDrawn = now
        let elapsed = now - started
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        var line = "\(Count.grouped(rows)) \(unit)  \(Count.grouped(Int(rate))) \(unit)/s"
        if let total, total > 0 {
            let fraction = min(Double(rows) / Double(total), 1)
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let remaining = rate > 0 ? Double(total - rows) / rate : 0
            line = "\(Int(fraction * 100))% [\(bar)] \(Count.grouped(rows)) / \(Count.grouped(total)) \(unit)  \(Count.grouped(Int(rate))) \(unit)/s  ETA \(Count.seconds(remaining))"
        }
        Console.write(Array(("\r\u{1B}[K" + line).utf8), to: STDERR_FILENO)
        drawn = true
    }

    /// Clears the line, so the summary that follows starts clean.
    func finish() {
        guard enabled, drawn else { return }
        Console.write(Array("\r\u{1B}[K".utf8), to: STDERR_FILENO)
    }
}

/// Numbers as people read them in a summary line.
enum Count {
    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String { value.groupedText }

    /// 1536 → "1.5 KB".
    static func bytes(_ value: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) bytes" : "\(Double(Int(amount * 10)) / 10) \(units[unit])"
    }

    /// 0.0123 → "12 ms", 83.4 → "1m23s".
    static func seconds(_ value: Double) -> String {
        if value < 1 { return "\(Int((value * 1000).rounded())) ms" }
        if value < 60 { return "\(Double(Int(value * 10)) / 10) s" }
        let whole = Int(value.rounded())
        return "\(whole / 60)m\(String(whole % 60).leftPadded(to: 2))s"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
