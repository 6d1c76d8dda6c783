import CProcessSupport
#if canImport(Glibc)
import Glibc
#endif

/// What this machine lets the host do to confine plugins, beside what the config asks for:
/// `toolhost sandbox` prints it, so that no measure is assumed that the kernel or the
/// privileges do not give.
public enum SandboxSupport {
    /// One measure: whether it can be had here, whether the policy asks for it, and why not.
    public struct Measure: Sendable {
        public let name: String
        public let available: Bool
        public let requested: Bool
        public let detail: String

        /// What a run gets: requested and available, requested and missing (an error at
        /// spawn, except cgroups in `auto`), or off.
        public var state: String {
            switch (requested, available) {
            case (true, true): "in force"
            case (true, false): "requested but unavailable"
            case (false, _): "off"
            }
        }

        public var json: JSONValue {
            ["measure": .string(name), "state": .string(state), "available": .bool(available), "requested": .bool(requested), "detail": .string(detail)]
        }
    }

    public static func measures(for policy: SandboxPolicy) -> [Measure] {
        var measures: [Measure] = []
        switch CgroupHierarchy.current {
        case .success(let hierarchy):
            let where_ = hierarchy.folders.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            let caps = [policy.memoryLimitMB.map { "memory \($0) MB" }, policy.maxProcesses.map { "\($0) processes" }].compactMap { $0 }
            measures.append(Measure(name: "cgroups", available: true, requested: policy.cgroups != .off,
                                    detail: "cgroup \(hierarchy.version.rawValue) (\(where_)); per run: \(caps.isEmpty ? "no caps, kill of the whole group" : caps.joined(separator: ", "))"))
        case .failure(let unavailable):
            let fallback = policy.cgroups == .auto ? "; runs use their process group only (plugins.sandbox.cgroups: auto)" : ""
            measures.append(Measure(name: "cgroups", available: false, requested: policy.cgroups != .off, detail: unavailable.reason + fallback))
        }
        let seccompAvailable = toolhost_seccomp_available() == 1
        measures.append(Measure(name: "seccomp", available: seccompAvailable, requested: policy.seccomp,
                                detail: seccompAvailable ? "deny-list: ptrace, mount, namespaces, BPF, keyrings, modules, reboot, process_vm_*" : "the kernel has no seccomp"))
        measures.append(Measure(name: "no_new_privs", available: true, requested: policy.noNewPrivileges || policy.seccomp || policy.writablePaths != nil,
                                detail: "setuid programs gain nothing under a plugin"))
        let root = geteuid() == 0
        measures.append(Measure(name: "network_isolation", available: root, requested: !policy.network,
                                detail: root ? "a network namespace of its own per run (plugins.sandbox.network: false)" : "needs root (CAP_SYS_ADMIN) to make a network namespace"))
        let abi = toolhost_landlock_abi()
        measures.append(Measure(name: "landlock", available: abi > 0, requested: policy.writablePaths != nil,
                                detail: abi <= 0 ? "the kernel has no Landlock (or it is disabled)"
                                    : policy.writablePaths.map { "ABI \(abi); writes only beneath: \((["/dev/null"] + $0).joined(separator: ", "))" }
                                    ?? "ABI \(abi); plugins.sandbox.writable_paths (or a tool's sandbox.writable_paths) confines writes"))
        return measures
    }
}
