import CProcessSupport
#if canImport(Glibc)
import Glibc
#endif

/// The emptying and removal of a host's run cgroups ("toolhost-<owner>-<n>" under each base
/// folder), done in C (`toolhost_sweep_cgroups`) because a watchdog must do it after its host
/// died, where only async-signal-safe calls are allowed; the next host's sweep of dead hosts'
/// cgroups uses the same code.
enum CgroupSweep {
    /// Runs `body` with the C description of `owner`'s run cgroups under `bases`; the strings
    /// live until `body` returns (a watchdog forked inside it keeps its own copy).
    static func with<R>(bases: [String], owner: pid_t, _ body: (UnsafePointer<toolhost_cgroup_sweep>) -> R) -> R {
        withCStrings(bases) { pointers in
            pointers.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: bases.count + 1) { strings in
                var sweep = toolhost_cgroup_sweep(bases: strings, count: UInt32(bases.count), owner: owner)
                return body(&sweep)
            }
        }
    }

    /// Empties and removes `owner`'s run cgroups now.
    static func sweep(bases: [String], owner: pid_t) {
        with(bases: bases, owner: owner) { toolhost_sweep_cgroups($0) }
    }
}
