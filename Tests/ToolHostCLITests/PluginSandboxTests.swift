import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Hostile plugins against the sandbox, through the real binary. Before: a `setsid` grandchild
/// outlived its plugin, a forking memory hog escaped `memory_limit_mb` (an rlimit per process),
/// and nothing stopped a plugin from ptrace, unshare, the network or writing anywhere.
///
/// These need what this machine kind has (root, writable cgroup v1 memory and pids, Landlock):
/// where a measure is missing, `toolhost sandbox` says so and the test fails; it never skips.
@Suite("Plugin sandbox")
struct PluginSandboxTests {
    let folder = EmptyFolder()

    init() throws {
        try FileManager.default.createDirectory(atPath: FilePath.join(folder.work, "tools"), withIntermediateDirectories: true)
    }

    private func tool(_ id: String, _ yaml: String) throws {
        let directory = FilePath.join(folder.work, "tools/\(id)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "name: \(id)\ntype: executable\n\(yaml)\n".write(toFile: FilePath.join(directory, "\(id).yaml"), atomically: true, encoding: .utf8)
    }

    private func config(_ extra: String = "") throws {
        try "toolhost: 1\ntools:\n  paths: [tools]\nplugins:\n  kill_grace_seconds: 0.5\n\(extra)".write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
    }

    private func run(_ id: String, _ input: String = "{}") throws -> ToolHostBinary.Result {
        try folder.run(["run", id], input: input)
    }

    private func pids(in file: String) -> [Int32] {
        ((try? String(contentsOfFile: FilePath.join(folder.work, file), encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    @Test func whatThisMachineAllowsIsSaid() throws {
        try config()
        let result = try folder.run(["sandbox", "--json"])
        let measures = result.json["measures"]?.arrayValue ?? []
        let states = Dictionary(uniqueKeysWithValues: measures.compactMap { m in m["measure"]?.stringValue.map { ($0, m["state"]?.stringValue ?? "") } })
        #expect(states["cgroups"] == "in force" && states["seccomp"] == "in force" && states["no_new_privs"] == "in force",
                "this machine kind offers them: \(result.stdoutText)")
        #expect(states["network_isolation"] == "off" && states["landlock"] == "off", "\(result.stdoutText)")
    }

    @Test func processesThatLeaveTheGroupAreStoppedWithIt() throws {
        try config()
        // After a normal end: a grandchild in a session of its own, and a double fork.
        try tool("daemon", #"executable: {command: sh, args: ["-c", "setsid sh -c 'echo $$ >> pids; exec sleep 300' </dev/null >/dev/null 2>&1 & (sh -c 'echo $$ >> pids; exec sleep 301' </dev/null >/dev/null 2>&1 &) ; sleep 0.3; echo '{\"ok\": true}'"]}"#)
        let ended = try run("daemon")
        #expect(ended.status == 0 && ended.json["ok"] == true, "\(ended.stdoutText) \(ended.stderr)")
        let left = pids(in: "tools/daemon/pids")
        #expect(left.count == 2)
        let gone = eventually(within: 5) { left.allSatisfy { !processIsRunning($0) } }
        #expect(gone, "still running after the plugin ended: \(left.filter(processIsRunning))")
        // After a timeout.
        try tool("hanger", #"executable: {command: sh, args: ["-c", "setsid sh -c 'echo $$ >> hpids; exec sleep 300' </dev/null >/dev/null 2>&1 & sleep 300"], timeout: 1}"#)
        let timedOut = try run("hanger")
        #expect(timedOut.json["error_code"] == "timeout")
        let hung = pids(in: "tools/hanger/hpids")
        let stopped = eventually(within: 5) { !hung.isEmpty && hung.allSatisfy { !processIsRunning($0) } }
        #expect(stopped, "still running after the timeout: \(hung.filter(processIsRunning))")
    }

    @Test func memoryAndProcessCapsHoldForTheWholeGroup() throws {
        try config()
        // Four children of 60 MB each: under a 100 MB rlimit per process each would fit.
        try tool("hog", #"""
            executable:
              command: python3
              args: ["-c", "import os, json\nkids = []\nfor i in range(4):\n    pid = os.fork()\n    if pid == 0:\n        b = bytearray(60 * 1024 * 1024)\n        for j in range(0, len(b), 4096): b[j] = 1\n        os._exit(0)\n    kids.append(pid)\nkilled = sum(1 for pid in kids if os.WIFSIGNALED(os.waitpid(pid, 0)[1]))\nprint(json.dumps({'killed': killed}))"]
              memory_limit_mb: 100
            """#)
        let hog = try run("hog")
        let killed = hog.json["killed"]?.integerValue ?? 0
        #expect(killed >= 1, "\(hog.stdoutText) \(hog.stderr)")
        try tool("forks", #"""
            sandbox: {max_processes: 10}
            executable:
              command: python3
              args: ["-c", "import os, json, time\nn = 0\nfor i in range(50):\n    try:\n        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n        n += 1\n    except OSError:\n        break\nprint(json.dumps({'forked': n}))"]
            """#)
        let forks = try run("forks")
        let forked = forks.json["forked"]?.integerValue ?? -1
        #expect(forked >= 1 && forked < 10, "\(forks.stdoutText) \(forks.stderr)")
    }

    @Test func dangerousCallsAreRefused() throws {
        try config()
        try tool("probe", #"""
            executable:
              command: python3
              args: ["-c", "import ctypes, json\nlibc = ctypes.CDLL(None, use_errno=True)\ndef call(f, *a):\n    r = f(*a)\n    return ctypes.get_errno() if r != 0 else 0\nstatus = {l.split(':')[0]: l.split(':')[1].strip() for l in open('/proc/self/status') if ':' in l}\nprint(json.dumps({'unshare': call(libc.unshare, 0x40000000), 'ptrace': call(libc.ptrace, 16, 1, 0, 0), 'mount': call(libc.mount, b'none', b'/mnt', b'tmpfs', 0, None), 'nnp': status['NoNewPrivs'], 'seccomp': status['Seccomp']}))"]
            """#)
        let result = try run("probe")
        let eperm = 1
        #expect(result.json["unshare"]?.integerValue == eperm && result.json["ptrace"]?.integerValue == eperm
                    && result.json["mount"]?.integerValue == eperm, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json["nnp"] == "1" && result.json["seccomp"] == "2", "\(result.stdoutText)")
        // Turned off in config, the same calls go through to the kernel (root may unshare).
        try config("  sandbox:\n    seccomp: false\n    no_new_privs: false\n")
        let free = try run("probe")
        #expect(free.json["unshare"]?.integerValue == 0 && free.json["nnp"] == "0", "\(free.stdoutText)")
    }

    @Test func networkOffIsAnEmptyNetworkAndAToolCannotTurnItBackOn() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        listen(listener, 16)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let connect = #"["-c", "import socket, json, sys\ntry:\n    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=3)\n    print(json.dumps({'connected': True}))\nexcept OSError as e:\n    print(json.dumps({'connected': False, 'error': str(e)}))", "{port}"]"#
        try tool("open", "executable: {command: python3, args: \(connect)}")
        try tool("closed", "sandbox: {network: false}\nexecutable: {command: python3, args: \(connect)}")
        try tool("reopen", "sandbox: {network: true}\nexecutable: {command: python3, args: \(connect)}")
        try config()
        let open = try run("open", "{\"port\": \(port)}")
        #expect(open.json["connected"] == true, "\(open.stdoutText) \(open.stderr)")
        let closed = try run("closed", "{\"port\": \(port)}")
        #expect(closed.json["connected"] == false, "\(closed.stdoutText) \(closed.stderr)")
        try config("  sandbox:\n    network: false\n")
        let reopened = try run("reopen", "{\"port\": \(port)}")
        #expect(reopened.json["connected"] == false, "a tool cannot loosen the config: \(reopened.stdoutText)")
    }

    @Test func writablePathsConfineWrites() throws {
        try config()
        let outside = folder.root.url("outside.txt")
        try tool("writer", """
            sandbox: {writable_paths: ["{tool_dir}/out"]}
            executable:
              command: sh
              args: ["-c", "mkdir -p {tool_dir}/out 2>/dev/null; echo a > {tool_dir}/out/inside.txt && i=yes || i=no; echo b > \(outside) 2>/dev/null && o=yes || o=no; echo \\"{\\\\\\"inside\\\\\\": \\\\\\"$i\\\\\\", \\\\\\"outside\\\\\\": \\\\\\"$o\\\\\\"}\\""]
            """)
        try FileManager.default.createDirectory(atPath: FilePath.join(folder.work, "tools/writer/out"), withIntermediateDirectories: true)
        let result = try run("writer")
        #expect(result.json["inside"] == "yes" && result.json["outside"] == "no", "\(result.stdoutText) \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: outside))
    }

    /// A host killed outright leaves its cgroups behind, with whatever escaped its watchdog
    /// (a setsid daemon): the next ToolHost to start a plugin empties and removes them.
    @Test func cgroupsOfADeadHostAreEmptiedByTheNext() throws {
        try config()
        guard case .success(let hierarchy) = CgroupHierarchy.current, let pids = hierarchy.folders["pids"] else {
            Issue.record("this machine kind has cgroup v1 pids: \(CgroupHierarchy.current)")
            return
        }
        let reaped = Process()
        reaped.executableURL = URL(fileURLWithPath: "/bin/true")
        try reaped.run()
        reaped.waitUntilExit()
        let stale = FilePath.join(pids, "toolhost-\(reaped.processIdentifier)-1")
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: false)
        let survivor = Process()
        survivor.executableURL = URL(fileURLWithPath: "/bin/sleep")
        survivor.arguments = ["300"]
        try survivor.run()
        try String(survivor.processIdentifier).write(toFile: FilePath.join(stale, "cgroup.procs"), atomically: false, encoding: .utf8)
        try tool("plain", #"executable: {command: sh, args: ["-c", "echo '{}'"]}"#)
        let result = try run("plain")
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let gone = eventually(within: 5) { !processIsRunning(survivor.processIdentifier) }
        #expect(gone)
        #expect(!FileManager.default.fileExists(atPath: stale))
        if survivor.isRunning { survivor.terminate() }
        survivor.waitUntilExit()
    }
}
