/// Why a Local Orchestrator cannot start: a certificate that is not this site's, or a store that cannot be opened.
public struct LocalOrchestratorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
