/// The error a ``FleetRegistry`` throws: its database could not be opened, read or written, or a change was refused.
public struct FleetRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// The database failed: the file, the server or the connection.
        case storage
        /// The deployment, site or node does not exist.
        case notFound
        /// The change contradicts what is stored: a rollout for a generation that does not exist, a removal of a
        /// removed deployment.
        case conflict
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong, naming what was asked.
    public var message: String
    /// The database's own words, when it said something.
    public var cause: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause.map { "\($0)" }
    }

    /// The message, with the database's words when there are some.
    public var description: String { cause.map { "\(message): \($0)" } ?? message }
}
