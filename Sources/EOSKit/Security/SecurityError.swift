/// The error EOSSecurity throws: PKI files, certificates, identities and authorization.
public struct SecurityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public var name: String

        /// Creates a code; EOS's own codes are the static members.
        public init(_ name: String) { self.name = name }

        /// An identity's parts or URI are malformed.
        public static let invalidIdentity = Code("invalid-identity")
        /// A file to be created already exists and must not be overwritten.
        public static let alreadyExists = Code("already-exists")
        /// A file could not be read or written.
        public static let io = Code("io")
        /// A certificate or key is malformed or does not match.
        public static let invalidCertificate = Code("invalid-certificate")
        /// A peer asked for something its identity does not allow.
        public static let permissionDenied = Code("permission-denied")

        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and where, in words an operator can act on.
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
