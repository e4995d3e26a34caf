/// The error EOSMargo throws: calls between tiers that fail, are refused, or carry malformed messages.
public struct MargoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public var name: String

        /// Creates a code; EOS's own codes are the static members.
        public init(_ name: String) { self.name = name }

        /// The peer could not be reached, or the connection to it was refused or lost.
        public static let unavailable = Code("unavailable")
        /// The call did not finish before its deadline: the peer may be reachable but slow, or the link stalled.
        /// Like ``unavailable``, it says nothing about whether the peer acted on the call.
        public static let deadlineExceeded = Code("deadline-exceeded")
        /// The peer refused the caller's identity.
        public static let permissionDenied = Code("permission-denied")
        /// A message did not carry what the protocol requires, or carried it malformed.
        public static let invalidMessage = Code("invalid-message")
        /// The desired state is older than what the peer has applied.
        public static let staleGeneration = Code("stale-generation")
        /// The peer failed while handling the call.
        public static let remoteFailure = Code("remote-failure")
        /// The peer does not serve the call: a parent that makes no calls over its children's connections answers
        /// `Upstream.Attach` so.
        public static let unimplemented = Code("unimplemented")

        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, in words an operator can act on.
    public var message: String
    /// The underlying error, when there is one.
    public var cause: String?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause.map { "\($0)" }
    }

    /// The message, with its cause when there is one.
    public var description: String { cause.map { "\(message): \($0)" } ?? message }
}
