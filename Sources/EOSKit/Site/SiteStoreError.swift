/// The error ``SiteStore`` throws: the site's SQLite file could not be opened, read or written.
public struct SiteStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, naming the file and the operation.
    public var message: String
    /// SQLite's own words, when it said something.
    public var cause: String?

    /// Creates an error.
    public init(message: String, cause: (any Error)? = nil) {
        self.message = message
        self.cause = cause.map { "\($0)" }
    }

    /// The message, with SQLite's words when there are some.
    public var description: String { cause.map { "\(message): \($0)" } ?? message }
}
