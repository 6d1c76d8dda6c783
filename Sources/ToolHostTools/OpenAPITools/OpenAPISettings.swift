import ToolHostCore

/// The operator's settings for openapi tools (`openapi:` in the config file):
///
/// ```yaml
/// openapi:
///   base_urls: {weather_api: "http://127.0.0.1:8080"}   # per tool id: call this server instead
///   spec_max_age_seconds: 300                          # how long a server keeps a fetched spec
/// ```
/// `base_urls` is how tests and mirrors point a catalogue written for a public API elsewhere,
/// without editing its files. A long-lived server revalidates a URL spec (ETag,
/// Last-Modified) once `spec_max_age_seconds` have passed; a one-shot `run` revalidates the
/// copy in the data directory every time (a 304 costs one small request).
public struct OpenAPISettings: Sendable, Equatable {
    public var baseURLs: [String: String] = [:]
    public var specMaxAgeSeconds: Double = 300

    public init() {}
}

extension OpenAPISettings: ConfigSection {
    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        self.init()
        baseURLs = reader.stringMap("openapi.base_urls") ?? [:]
        for (tool, url) in baseURLs where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            reader.report("openapi.base_urls.\(tool) must be an http:// or https:// URL")
        }
        specMaxAgeSeconds = reader.number("openapi.spec_max_age_seconds", default: specMaxAgeSeconds, positive: false)
        if specMaxAgeSeconds < 0 { reader.report("openapi.spec_max_age_seconds must be 0 or more") }
    }
}

extension HostConfig {
    /// The openapi tools' settings (`openapi:`), as loaded.
    public var openAPI: OpenAPISettings {
        get { self[section: OpenAPISettings.self] }
        set { self[section: OpenAPISettings.self] = newValue }
    }
}
