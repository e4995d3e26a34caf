/// What a command printed and how it ended.
public struct CommandOutcome: Sendable, Hashable {
    /// The exit status, or the number of the signal that ended it; 127 when the command could not be started.
    public var status: Int32
    /// What it wrote on stdout.
    public var output: String
    /// What it wrote on stderr (or why it could not be started).
    public var error: String

    /// Creates an outcome.
    public init(status: Int32, output: String, error: String) {
        self.status = status
        self.output = output
        self.error = error
    }
}
