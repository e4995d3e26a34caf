/// The error an ``EdgeRuntime`` throws; ``runtimeMessage`` carries the runtime's own words.
public struct RuntimeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public var name: String

        /// Creates a code; EOS's own codes are the static members.
        public init(_ name: String) { self.name = name }

        /// No workload with that id exists in the runtime.
        public static let notFound = Code("not-found")
        /// A workload with that id exists already.
        public static let alreadyExists = Code("already-exists")
        /// The image is not in the local store and could not be pulled, or the command does not exist.
        public static let imageUnavailable = Code("image-unavailable")
        /// The spec asks for something this runtime cannot do (a container spec on the process runtime).
        public static let unsupported = Code("unsupported")
        /// The runtime itself cannot be reached (containerd's socket is down, `ctr` is missing).
        public static let runtimeUnavailable = Code("runtime-unavailable")
        /// The caller's task was cancelled before the operation finished.
        public static let cancelled = Code("cancelled")
        /// The operation did not finish in time.
        public static let timedOut = Code("timed-out")
        /// The runtime refused or failed the operation.
        public static let failed = Code("failed")

        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What EOS was doing and what went wrong.
    public var message: String
    /// What the runtime said, verbatim (containerd's error line, the errno text), when it said something.
    public var runtimeMessage: String?

    /// Creates an error.
    public init(code: Code, message: String, runtimeMessage: String? = nil) {
        self.code = code
        self.message = message
        self.runtimeMessage = runtimeMessage
    }

    /// The message, with the runtime's own words when there are some.
    public var description: String { runtimeMessage.map { "\(message): \($0)" } ?? message }
}
