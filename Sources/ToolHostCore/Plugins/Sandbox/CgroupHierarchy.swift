#if canImport(Glibc)
import Glibc
#endif

/// Where this host can make cgroups for its plugins, found once per process from
/// /proc/self/mountinfo and /proc/self/cgroup.
///
/// cgroup v1 (as on these machines): the host's own cgroup in the memory, pids and freezer
/// hierarchies, where it may create children. cgroup v2 is recognised and reported, but used
/// only when the host's own cgroup delegates memory and pids to its children.
public struct CgroupHierarchy: Sendable, Equatable {
    public enum Version: String, Sendable { case v1, v2 }

    public let version: Version
    /// Controller name → the host's own cgroup folder in that controller's hierarchy (v1), or
    /// `"unified"` → the host's own cgroup folder (v2).
    public let folders: [String: String]

    /// The hierarchy found here, or why there is none (for `toolhost sandbox` and errors).
    public static let current: Result<CgroupHierarchy, Unavailable> = detect()

    public struct Unavailable: Error, Sendable, Equatable {
        public let reason: String
    }

    /// The controllers a run's cgroup is made in (v1); freezer is optional.
    static let controllers = ["memory", "pids", "freezer"]

    static func detect() -> Result<CgroupHierarchy, Unavailable> {
        guard let mountInfo = try? FileIO.read("/proc/self/mountinfo"), let membership = try? FileIO.read("/proc/self/cgroup") else {
            return .failure(Unavailable(reason: "/proc/self/mountinfo or /proc/self/cgroup cannot be read"))
        }
        let mounts = String(decoding: mountInfo, as: UTF8.self).split(separator: "\n").compactMap(Mount.init)
        // "N:controllers:/path" per hierarchy; "0::/path" is v2.
        var ownPaths: [String: String] = [:]
        for line in String(decoding: membership, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let names = parts[1].isEmpty ? ["unified"] : parts[1].split(separator: ",").map(String.init)
            for name in names { ownPaths[name] = String(parts[2]) }
        }
        var folders: [String: String] = [:]
        for controller in controllers {
            guard let mount = mounts.first(where: { $0.type == "cgroup" && $0.options.contains(controller) }),
                  let own = ownPaths[controller] else { continue }
            folders[controller] = mount.folder(for: own)
        }
        if folders["memory"] != nil, folders["pids"] != nil {
            guard folders.values.allSatisfy({ access($0, W_OK) == 0 }) else {
                return .failure(Unavailable(reason: "cgroup v1: the host's cgroups \(folders.values.sorted().joined(separator: ", ")) are not writable (run as root, or delegate them)"))
            }
            return .success(CgroupHierarchy(version: .v1, folders: folders))
        }
        if let mount = mounts.first(where: { $0.type == "cgroup2" }), let own = ownPaths["unified"] {
            let folder = mount.folder(for: own)
            let delegated = (try? FileIO.read(FilePath.join(folder, "cgroup.subtree_control"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let names = Set(delegated.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
            guard names.isSuperset(of: ["memory", "pids"]), access(folder, W_OK) == 0 else {
                return .failure(Unavailable(reason: "cgroup v2 at \(folder): the host's cgroup does not delegate memory and pids to its children (cgroup.subtree_control holds \"\(delegated.trimmingSpaces)\"), or is not writable"))
            }
            return .success(CgroupHierarchy(version: .v2, folders: ["unified": folder]))
        }
        return .failure(Unavailable(reason: "no cgroup hierarchy with the memory and pids controllers is mounted"))
    }

    /// One line of /proc/self/mountinfo: `id parent dev root mountpoint options... - type source superoptions`.
    private struct Mount {
        let root: String
        let point: String
        let type: String
        let options: Set<String>

        init?(_ line: Substring) {
            let fields = line.split(separator: " ")
            guard let separator = fields.firstIndex(of: "-"), separator >= 5, separator + 3 < fields.count else { return nil }
            root = String(fields[3])
            point = String(fields[4])
            type = String(fields[separator + 1])
            options = Set(fields[separator + 3].split(separator: ",").map(String.init))
        }

        /// The folder of the cgroup at `path` (as /proc/self/cgroup names it) under this mount.
        func folder(for path: String) -> String {
            let inside = root == "/" ? path : (path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path)
            return FilePath.absolute(FilePath.join(point, inside.hasPrefix("/") ? String(inside.dropFirst()) : inside))
        }
    }
}
