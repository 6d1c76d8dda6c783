import Foundation
import ToolHostCore

/// A `toolhost://KIND/ID` resource URI, checked: one kind ToolHost serves and an id that is a
/// single plain name, so that it cannot climb out of the folder it is looked up in.
struct MCPResourceURI: Equatable {
    enum Kind: String, CaseIterable {
        case artifacts, tools, exports
    }

    static let scheme = "toolhost://"

    let kind: Kind
    let id: String

    init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// The id is percent-decoded first: `%2E%2E` is `..` and is refused like it.
    init(parsing uri: String) throws(ToolHostError) {
        guard uri.hasPrefix(Self.scheme) else {
            throw ToolHostError(.resourceNotFound, "No resource \(uri): ToolHost's resources are toolhost://artifacts/{id}, toolhost://tools/{id} and toolhost://exports/{name} (resources/templates/list).")
        }
        let rest = uri.dropFirst(Self.scheme.count)
        guard let slash = rest.firstIndex(of: "/"), let kind = Kind(rawValue: String(rest[..<slash])) else {
            throw ToolHostError(.resourceNotFound, "No resource \(uri): the kinds are artifacts, tools and exports (toolhost://KIND/ID).")
        }
        let raw = String(rest[rest.index(after: slash)...])
        guard let id = raw.removingPercentEncoding, !id.isEmpty else {
            throw ToolHostError(.resourceNotFound, "No resource \(uri): give an id after toolhost://\(kind.rawValue)/.")
        }
        guard Self.isPlainName(id) else {
            throw ToolHostError(.resourcePathRefused, "The resource id \"\(id)\" is refused: it must be one plain name (no '/', backslash or '..'), not a path out of the \(kind.rawValue) folder.")
        }
        self.kind = kind
        self.id = id
    }

    var string: String {
        Self.scheme + kind.rawValue + "/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id)
    }

    /// One path component that is neither `.` nor `..` and holds no separator or NUL.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
    }
}
