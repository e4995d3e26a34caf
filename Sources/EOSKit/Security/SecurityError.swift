/// The error EOSSecurity throws: PKI files, certificates, identities, authorization and user authentication.
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
        /// A peer asked for something its identity does not allow, or a user something their roles do not.
        public static let permissionDenied = Code("permission-denied")
        /// A user's bearer token is missing or not valid: malformed, expired, for another issuer or audience, signed
        /// by an unknown key or with a refused algorithm.
        public static let unauthenticated = Code("unauthenticated")
        /// The identity provider could not be asked for its configuration or keys.
        public static let providerUnavailable = Code("provider-unavailable")
        /// The identity provider refused a sign-in or a token request.
        public static let signInRefused = Code("sign-in-refused")

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
