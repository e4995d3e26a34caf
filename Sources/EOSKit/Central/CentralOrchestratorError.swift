/// Why a Central Orchestrator could not start, or a request to it was refused.
public struct CentralOrchestratorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
