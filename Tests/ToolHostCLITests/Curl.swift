import Foundation
import ToolHostCore
import ToolHostTestSupport

/// curl, a client independent of ToolHost's and Foundation's HTTP code, for what a test must
/// see exactly as sent: every header of an answer (`Allow`, `Vary`, CORS), and that a HEAD
/// answer has no body (curl reads none and would fail on the next answer of the connection).
enum Curl {
    struct Answer: Sendable {
        let status: Int
        /// Names lowercased; a repeated header's values joined with ", ".
        let headers: [String: String]
        let body: String

        func header(_ name: String) -> String? { headers[name.lowercased()] }
        var json: JSONValue { (try? JSONParser.parse(Array(body.utf8))) ?? .string("<not JSON: \(body)>") }
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// One request to 127.0.0.1:`port`; `HEAD` is sent as curl's `--head`.
    static func send(port: Int, _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) throws -> Answer {
        var arguments = ["--silent", "--show-error", "--include", "--max-time", "60"]
        arguments += method == "HEAD" ? ["--head"] : ["--request", method]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["--header", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        arguments.append("http://127.0.0.1:\(port)\(path)")
        let result = try ToolHostBinary().runProgram("/usr/bin/curl", arguments)
        guard result.status == 0 else { throw Failed(description: "curl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)") }
        return try parse(result.stdoutText)
    }

    private static func parse(_ text: String) throws -> Answer {
        guard let end = text.range(of: "\r\n\r\n") else { throw Failed(description: "no end of head in \(text)") }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failed(description: "no status in \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return Answer(status: status, headers: headers, body: String(text[end.upperBound...]))
    }
}
