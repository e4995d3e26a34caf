/// The error ``ChildRegistry`` throws: its SQLite file could not be opened, read or written.
public struct ChildRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The registry's file, or `:memory:` for a registry kept in memory.
    public var path: String
    /// What went wrong, naming the operation and the file.
    public var message: String
    /// SQLite's (or the file system's) own words, when it said something.
    public var cause: String?

    /// Creates an error.
    public init(path: String, message: String, cause: (any Error)? = nil) {
        self.path = path
        self.message = message
        self.cause = cause.map { "\($0)" }
    }

    /// The message, with the cause when there is one.
    public var description: String { cause.map { "\(message): \($0)" } ?? message }
}
