import CProcessSupport
#if canImport(Glibc)
import Glibc
#endif

/// Starts a plugin under its `SandboxPolicy`: cgroups made and joined before the exec, then
/// the memory limit, network namespace, no_new_privs, Landlock and seccomp, in the child.
enum SandboxedSpawn {
    struct Started {
        let pid: pid_t
        let cgroup: PluginCgroup?
    }

    static func start(_ request: ProcessRequest, policy: SandboxPolicy, pipes: Pipes) throws(ToolHostError) -> Started {
        let command = request.arguments.first ?? request.executablePath
        let memoryBytes = policy.memoryLimitMB.flatMap { megabytes -> UInt64? in
            let (bytes, overflow) = UInt64(megabytes).multipliedReportingOverflow(by: 1024 * 1024)
            return overflow ? nil : bytes
        }
        let cgroup = try makeCgroup(policy, memoryBytes: memoryBytes, command: command)
        let ruleset = try landlockRuleset(policy, command: command)
        defer { if ruleset >= 0 { close(ruleset) } }
        var pid: pid_t = 0
        var failedStep: Int32 = 0
        let descriptors = cgroup?.procsDescriptors ?? []
        let result = withCStrings(request.arguments) { argv in
            withCStrings(request.environment) { envp in
                descriptors.withUnsafeBufferPointer { cgroupFDs in
                    var spawn = toolhost_sandboxed_spawn(
                        path: request.executablePath, argv: argv, envp: envp, cwd: request.workingDirectory,
                        stdin_fd: pipes.stdin.read, stdout_fd: pipes.stdout.write, stderr_fd: pipes.stderr.write,
                        cgroup_procs_fds: cgroupFDs.baseAddress, cgroup_procs_count: Int32(cgroupFDs.count),
                        // With cgroups the cap holds for the group; an rlimit only where there are none.
                        address_space_limit: cgroup == nil ? memoryBytes ?? 0 : 0,
                        isolate_network: policy.network ? 0 : 1,
                        no_new_privs: policy.noNewPrivileges ? 1 : 0,
                        seccomp: policy.seccomp ? 1 : 0,
                        landlock_ruleset_fd: ruleset)
                    return toolhost_spawn_sandboxed(&spawn, &pid, &failedStep)
                }
            }
        }
        cgroup?.closeDescriptors()
        guard result == 0 else {
            cgroup?.destroy()
            throw failure(result, step: failedStep, request: request)
        }
        cgroup?.leader = pid
        return Started(pid: pid, cgroup: cgroup)
    }

    private static func makeCgroup(_ policy: SandboxPolicy, memoryBytes: UInt64?, command: String) throws(ToolHostError) -> PluginCgroup? {
        guard policy.cgroups != .off else { return nil }
        switch CgroupHierarchy.current {
        case .success(let hierarchy):
            do {
                return try PluginCgroup(hierarchy: hierarchy, memoryLimitBytes: memoryBytes, maxProcesses: policy.maxProcesses)
            } catch where policy.cgroups == .auto {
                return nil  // `toolhost sandbox` shows why; the process group still holds the run
            }
        case .failure(let unavailable):
            guard policy.cgroups == .required else { return nil }
            throw ToolHostError(.sandboxUnavailable, "Cannot start \(command): plugins.sandbox.cgroups is required but \(unavailable.reason).")
        }
    }

    private static func landlockRuleset(_ policy: SandboxPolicy, command: String) throws(ToolHostError) -> Int32 {
        guard let paths = policy.writablePaths else { return -1 }
        // Writing to /dev/null is not writing anything.
        let all = ["/dev/null"] + paths
        var ruleset: Int32 = -1
        var failedPath: Int32 = -1
        let result = withCStrings(all) { pointers in
            pointers.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: all.count + 1) {
                toolhost_landlock_writable_ruleset($0, Int32(all.count), &ruleset, &failedPath)
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(result)).lowercased()
            if failedPath >= 0, Int(failedPath) < all.count {
                throw ToolHostError(.sandboxUnavailable, "Cannot start \(command): the writable path \(all[Int(failedPath)]) cannot be used: \(reason).")
            }
            throw ToolHostError(.sandboxUnavailable, "Cannot start \(command): writable_paths needs Landlock, which this kernel does not offer (\(reason)).")
        }
        return ruleset
    }

    private static func failure(_ code: Int32, step: Int32, request: ProcessRequest) -> ToolHostError {
        let command = request.arguments.first ?? request.executablePath
        let reason = String(cString: strerror(code)).lowercased()
        let what: String
        switch Int(step) {
        case Int(TOOLHOST_STEP_EXEC), 0: return ProcessRunner.spawnFailure(code, request: request)
        case Int(TOOLHOST_STEP_CGROUP): what = "joining its cgroup"
        case Int(TOOLHOST_STEP_NETWORK): what = "a network namespace of its own (network: false needs root, CAP_SYS_ADMIN)"
        case Int(TOOLHOST_STEP_NO_NEW_PRIVS): what = "no_new_privs"
        case Int(TOOLHOST_STEP_LANDLOCK): what = "Landlock (writable_paths)"
        case Int(TOOLHOST_STEP_SECCOMP): what = "the seccomp filter (plugins.sandbox.seccomp)"
        case Int(TOOLHOST_STEP_MEMORY): what = "the memory limit"
        case Int(TOOLHOST_STEP_DIRECTORY): return ToolHostError(.spawnFailed, "Cannot start \(command): cannot enter \(request.workingDirectory): \(reason).")
        default: what = "preparing the process"
        }
        return ToolHostError(.sandboxUnavailable, "Cannot start \(command): \(what) failed: \(reason).")
    }
}
