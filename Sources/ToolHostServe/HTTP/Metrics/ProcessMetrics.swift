#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore

/// What `/metrics` says about the server process itself, under the names every Prometheus
/// client library uses (so the usual dashboards and alerts work): CPU time, resident and
/// virtual memory, open and allowed descriptors, start time; and `toolhost_build_info`, the
/// version as a label of a gauge that is always 1.
///
/// Read from Linux's `/proc` at each scrape; a value that cannot be read (another system) is
/// left out rather than reported as 0.
enum ProcessMetrics {
    static func prometheusText() -> String {
        var text = ""
        func gauge(_ name: String, _ type: String, _ help: String, _ value: Double?) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            if let value { text += "\(name) \(value.compactText)\n" }
        }
        text += "# HELP toolhost_build_info The ToolHost build serving, as labels; always 1.\n# TYPE toolhost_build_info gauge\n"
        text += "toolhost_build_info{version=\"\(ToolHostVersion.current)\",os=\"\(os)\",arch=\"\(architecture)\"} 1\n"
        let stat = ProcessStat.current()
        gauge("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", stat?.cpuSeconds)
        gauge("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", stat?.residentBytes)
        gauge("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", stat?.virtualBytes)
        gauge("process_open_fds", "gauge", "Number of open file descriptors.", openDescriptors())
        gauge("process_max_fds", "gauge", "Maximum number of open file descriptors.", maxDescriptors())
        gauge("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", stat?.startTime)
        return text
    }

    /// Entries of `/proc/self/fd` (the descriptor `opendir` holds is not counted).
    private static func openDescriptors() -> Double? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return Double(count - 1)
    }

    private static func maxDescriptors() -> Double? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return limit.rlim_cur == rlim_t.max ? nil : Double(limit.rlim_cur)
    }

    #if os(Linux)
    private static let os = "linux"
    #else
    private static let os = "other"
    #endif
    #if arch(x86_64)
    private static let architecture = "x86_64"
    #elseif arch(arm64)
    private static let architecture = "arm64"
    #else
    private static let architecture = "other"
    #endif
}

/// The fields of `/proc/self/stat` the process metrics need, in the units Prometheus wants.
struct ProcessStat {
    var cpuSeconds: Double
    var virtualBytes: Double
    var residentBytes: Double
    /// Seconds since the Unix epoch: the boot time (`btime` of `/proc/stat`) plus the
    /// process's start in clock ticks after boot.
    var startTime: Double?

    static func current() -> ProcessStat? {
        guard let bytes = try? FileIO.read("/proc/self/stat") else { return nil }
        return ProcessStat(stat: String(decoding: bytes, as: UTF8.self), bootTime: bootTime(),
                           ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))), pageSize: Double(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// Parses a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may
    /// hold spaces and parentheses itself, so the fields are counted from its last `)`.
    init?(stat: String, bootTime: Double?, ticksPerSecond: Double, pageSize: Double) {
        guard let close = stat.lastIndex(of: ")"), ticksPerSecond > 0 else { return nil }
        // Fields 3... (state, ppid, ...): field n is at index n - 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? { number - 3 < fields.count ? Double(fields[number - 3]) : nil }
        guard let user = field(14), let system = field(15), let start = field(22), let virtual = field(23), let resident = field(24) else {
            return nil
        }
        cpuSeconds = (user + system) / ticksPerSecond
        virtualBytes = virtual
        residentBytes = resident * pageSize
        startTime = bootTime.map { $0 + start / ticksPerSecond }
    }

    /// `btime` of `/proc/stat`: when the system booted, in seconds since the Unix epoch.
    private static func bootTime() -> Double? {
        guard let bytes = try? FileIO.read("/proc/stat") else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingSpaces)
        }
        return nil
    }
}
