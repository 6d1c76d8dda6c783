/// Reads the `custom:` block of a `type: custom` tool (`CustomClassSpec`). A tool that has an
/// `executable:` block or a `handler` runs by those instead, as before; a custom tool with
/// neither needs `module` and `class`.
extension ManifestDecoder {
    static let customKeys = ["module", "class", "config", "python_path", "python", "timeout", "timeout_ms", "environment",
                             "memory_limit_mb", "sandbox"]

    mutating func customClassSpec(type: ToolType, handler: String?, executable: ExecutableSpec?) -> CustomClassSpec? {
        guard type == .custom, handler == nil, executable == nil else { return nil }
        let block: JSONObject
        switch map["custom"] {
        case .object(let object)?: block = object
        case nil, .null?:
            diagnostics.append(.error("a custom tool needs a 'custom' block with 'module' and 'class' (or an 'executable' block)", at: ""))
            return nil
        case let other?:
            diagnostics.append(.error("'custom' must be a mapping with 'module' and 'class', not \(other.typeName)", at: "/custom"))
            return nil
        }
        for key in block.map(\.key) where !Self.customKeys.contains(key) {
            diagnostics.append(.warning("unknown custom key '\(key)' (known: \(Self.customKeys.joined(separator: ", ")))",
                                        at: JSONPointer.appending(key, to: "/custom")))
        }
        let module = requiredName("module", in: block)
        let className = requiredName("class", in: block)
        var config: JSONObject?
        switch block["config"] {
        case nil, .null?: config = nil
        case .object(let object)?: config = object
        case let other?:
            diagnostics.append(.error("'config' must be a mapping, not \(other.typeName)", at: "/custom/config"))
        }
        let pythonPath = text("python_path", in: block, at: "/custom").flatMap { $0.isEmpty ? nil : $0 }
        let python = text("python", in: block, at: "/custom").flatMap { $0.isEmpty ? nil : $0 }
        let supervision = ExecutableSpec(
            command: python ?? CustomClassSpec.defaultPython, stdinMode: true, timeoutSeconds: timeoutSeconds(in: block, at: "/custom"),
            environment: environment(block["environment"], at: "/custom/environment"),
            memoryLimitMB: positiveInteger("memory_limit_mb", in: block, at: "/custom")
                ?? map["execution"]?.objectValue.flatMap { positiveInteger("memory_limit_mb", in: $0, at: "/execution") },
            sandbox: sandbox(block["sandbox"] ?? map["sandbox"], at: block["sandbox"] != nil ? "/custom/sandbox" : "/sandbox"))
        guard let module, let className else { return nil }
        return CustomClassSpec(module: module, className: className, config: config, pythonPath: pythonPath, supervision: supervision)
    }

    /// A dotted Python name (`src.networking.udp_tools`, `UDPListener`); anything else could
    /// never import, so it is an error of the file rather than of every call.
    private mutating func requiredName(_ key: String, in block: JSONObject) -> String? {
        guard let name = text(key, in: block, at: "/custom"), !name.isEmpty else {
            diagnostics.append(.error("the 'custom' block has no '\(key)'", at: "/custom"))
            return nil
        }
        let isIdentifierPart: (Substring) -> Bool = { part in
            guard let first = part.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
            return part.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.allSatisfy(isIdentifierPart), key == "module" || parts.count == 1 else {
            diagnostics.append(.error("'\(key)' must be a Python \(key == "module" ? "dotted module name" : "class name"), not \(name.clipped)",
                                      at: "/custom/\(key)"))
            return nil
        }
        return name
    }
}
