/// Why a ``ContainerdSandbox`` cannot be set up: containerd, `ctr` or the test image is missing, or its folders
/// cannot be made.
public struct ContainerdSandboxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is missing or went wrong, and what to do about it.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
