import CYAML

/// Prints JSON values as block-style YAML for people (`describe --format yaml`), through
/// libyaml's emitter. Strings that would read back as another type (`"true"`, `"42"`) are
/// quoted; multi-line strings use literal blocks.
public enum YAMLWriter {
    public static func string(_ value: JSONValue) -> String {
        // On the heap: libyaml's state must not move while it is in use.
        let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
        emitter.initialize(to: yaml_emitter_t())
        defer { emitter.deallocate() }
        guard yaml_emitter_initialize(emitter) == 1 else { return JSONWriter.string(value, style: .pretty) }
        defer { yaml_emitter_delete(emitter) }
        let output = Output()
        yaml_emitter_set_output(emitter, { context, buffer, size in
            guard let context, let buffer else { return 0 }
            Unmanaged<Output>.fromOpaque(context).takeUnretainedValue().bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, Unmanaged.passUnretained(output).toOpaque())
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_indent(emitter, 2)
        yaml_emitter_set_width(emitter, 100)

        let succeeded = EventWriter(emitter: emitter).document(value)
        return withExtendedLifetime(output) {
            succeeded ? String(decoding: output.bytes, as: UTF8.self) : JSONWriter.string(value, style: .pretty)
        }
    }

    private final class Output {
        var bytes: [UInt8] = []
    }

    private struct EventWriter {
        let emitter: UnsafeMutablePointer<yaml_emitter_t>

        func document(_ value: JSONValue) -> Bool {
            var event = yaml_event_t()
            guard yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING) == 1, emit(&event),
                  yaml_document_start_event_initialize(&event, nil, nil, nil, 1) == 1, emit(&event),
                  node(value),
                  yaml_document_end_event_initialize(&event, 1) == 1, emit(&event),
                  yaml_stream_end_event_initialize(&event) == 1, emit(&event) else { return false }
            return yaml_emitter_flush(emitter) == 1
        }

        private func emit(_ event: inout yaml_event_t) -> Bool {
            yaml_emitter_emit(emitter, &event) == 1  // the emitter takes ownership of the event
        }

        private func node(_ value: JSONValue) -> Bool {
            var event = yaml_event_t()
            switch value {
            case .null: return scalar("null", plain: true)
            case .bool(let flag): return scalar(flag ? "true" : "false", plain: true)
            case .integer, .double: return scalar(value.description, plain: true)
            case .string(let text):
                // Plain only when reading it back gives the same string.
                return scalar(text, plain: YAMLScalarResolver.resolve(plain: text) == .string(text), literal: text.utf8.contains(0x0A))
            case .array(let elements):
                let style = elements.isEmpty ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE
                guard yaml_sequence_start_event_initialize(&event, nil, nil, 1, style) == 1, emit(&event) else { return false }
                for element in elements where !node(element) { return false }
                return yaml_sequence_end_event_initialize(&event) == 1 && emit(&event)
            case .object(let object):
                let style = object.isEmpty ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE
                guard yaml_mapping_start_event_initialize(&event, nil, nil, 1, style) == 1, emit(&event) else { return false }
                for (key, member) in object {
                    guard node(.string(key)), node(member) else { return false }
                }
                return yaml_mapping_end_event_initialize(&event) == 1 && emit(&event)
            }
        }

        private func scalar(_ text: String, plain: Bool, literal: Bool = false) -> Bool {
            var event = yaml_event_t()
            var bytes = Array(text.utf8)
            let style = literal ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE
            let initialized = bytes.withUnsafeMutableBufferPointer { buffer in
                yaml_scalar_event_initialize(&event, nil, nil, buffer.baseAddress, Int32(buffer.count),
                                             plain ? 1 : 0, 1, style)
            }
            return initialized == 1 && emit(&event)
        }
    }
}
