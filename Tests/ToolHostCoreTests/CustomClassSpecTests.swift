import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The `custom:` block of a `type: custom` tool, as `ManifestDecoder` reads it.
@Suite("Reading custom tool definitions")
struct CustomClassSpecTests {
    private func decode(_ yaml: String, layout: ToolLayout = .toolhost) throws -> ToolDefinition {
        try ManifestDecoder.decode(try YAMLDocument.parse(yaml).root, id: "tool", file: "/project/tools/net/tool.yaml",
                                   directory: ToolsDirectory(path: "/project/tools", layout: layout))
    }

    @Test func theBlockIsReadWithItsSupervision() throws {
        let tool = try decode("""
            type: custom
            custom:
              module: src.networking.udp_tools
              class: UDPListener
              config: {default_timeout: 30}
              python: /usr/bin/python3
              timeout_ms: 2500
              memory_limit_mb: 128
              environment: {MODE: fast}
              sandbox: {network: false}
            """)
        let spec = try #require(tool.custom)
        #expect(tool.runner == .customClass(spec))
        #expect(spec.module == "src.networking.udp_tools" && spec.className == "UDPListener")
        #expect(spec.config == ["default_timeout": 30])
        #expect(spec.supervision.command == "/usr/bin/python3")
        #expect(spec.supervision.timeoutSeconds == 2.5)
        #expect(spec.supervision.memoryLimitMB == 128)
        #expect(spec.supervision.environment.map(\.name) == ["MODE"])
        #expect(spec.supervision.sandbox.network == false)
        #expect(tool.diagnostics.filter { $0.severity == .error }.isEmpty, "\(tool.diagnostics)")
    }

    @Test func modulesAreImportedFromTheCataloguesRoot() throws {
        let own = try #require(try decode("type: custom\ncustom: {module: m, class: C}\n").custom)
        #expect(own.supervision.command == "python3")
        #expect(own.config == nil)
        #expect(own.importRoot(of: try decode("type: custom\ncustom: {module: m, class: C}\n")) == "/project/tools/net")
        let evolver = try decode("type: custom\ncustom: {module: m, class: C}\n", layout: .codeEvolver(root: "/project"))
        #expect(evolver.custom?.importRoot(of: evolver) == "/project")
        let relative = try decode("type: custom\ncustom: {module: m, class: C, python_path: ../lib}\n", layout: .codeEvolver(root: "/project"))
        #expect(relative.custom?.importRoot(of: relative) == "/lib")
    }

    /// Pinning covers what runs: another module, class, config or interpreter is a changed tool.
    @Test func theFingerprintCoversTheClassAndItsConfig() throws {
        let base = "type: custom\ncustom: {module: m, class: C, config: {port: 1}}\n"
        let fingerprint = try decode(base).fingerprint
        for changed in ["type: custom\ncustom: {module: n, class: C, config: {port: 1}}\n",
                        "type: custom\ncustom: {module: m, class: D, config: {port: 1}}\n",
                        "type: custom\ncustom: {module: m, class: C, config: {port: 2}}\n",
                        "type: custom\ncustom: {module: m, class: C, config: {port: 1}, python: /tmp/python}\n",
                        "type: custom\ncustom: {module: m, class: C, config: {port: 1}, python_path: /tmp}\n"] {
            let other = try decode(changed).fingerprint
            #expect(other != fingerprint, "\(changed)")
        }
        let reordered = try decode("type: custom\ncustom: {config: {port: 1}, class: C, module: m}\n").fingerprint
        #expect(reordered == fingerprint)
    }

    @Test func mistakesAreDiagnosedWhereTheyAre() throws {
        let tool = try decode("""
            type: custom
            custom: {module: "src/networking.py", class: "a.B", config: [1], modul: x}
            """)
        #expect(tool.custom == nil)
        let pointers = Set(tool.diagnostics.compactMap(\.pointer))
        #expect(pointers.isSuperset(of: ["/custom/module", "/custom/class", "/custom/config", "/custom/modul"]), "\(tool.diagnostics)")
        let runner = tool.runner
        #expect(runner == .unsupported(reason: "it has neither a 'custom' block with 'module' and 'class' nor an 'executable' block"))
        // An executable block still runs as a plugin, as before.
        let plugin = try decode("type: custom\nexecutable: {command: python3}\ncustom: {module: m, class: C}\n")
        #expect(plugin.runner == .plugin && plugin.custom == nil)
    }
}
