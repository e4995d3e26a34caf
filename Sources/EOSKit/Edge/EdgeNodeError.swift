/// Why an Edge Node cannot start: its configuration, certificate or store is not usable.
public struct EdgeNodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what to do about it.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
