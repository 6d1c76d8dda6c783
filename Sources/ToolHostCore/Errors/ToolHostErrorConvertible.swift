/// An error of a lower layer that knows which `ToolHostError` it is: the one conversion
/// boundary between the error worlds (storage, Redis, files) and what callers see.
///
/// ```swift
/// extension DatabaseError: ToolHostErrorConvertible {}   // has `toolHostError` already
/// let failure = ToolHostError(converting: error)        // any Error, at the boundary
/// ```
public protocol ToolHostErrorConvertible: Error {
    /// The failure as callers see it, keeping this error's code, detail and hint.
    var toolHostError: ToolHostError { get }
}

extension ToolHostError: ToolHostErrorConvertible {
    public var toolHostError: ToolHostError { self }
}

extension ToolHostError {
    /// The `ToolHostError` for any error: a convertible one as it converts itself, anything
    /// else as an `internal_error` naming it (a bug: every expected failure is convertible).
    public init(converting error: any Error) {
        if let convertible = error as? any ToolHostErrorConvertible {
            self = convertible.toolHostError
        } else {
            self = ToolHostError(.internalError, "Unexpected failure (a bug in ToolHost): \(error).")
        }
    }

    /// Runs `body`, whose work may throw errors of any layer, and reports its failure as the
    /// `ToolHostError` it converts to: where code that throws lower errors meets a typed caller.
    public static func converting<T>(_ body: () throws -> T) throws(ToolHostError) -> T {
        do {
            return try body()
        } catch {
            throw ToolHostError(converting: error)
        }
    }
}
