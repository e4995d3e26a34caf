/// A failure a ``SimulatedRuntime`` injects: which operation fails, for which workloads, how often, and with what
/// message.
public struct SimulatedFault: Sendable, Hashable {
    /// The runtime operations a fault can hit.
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case ensureImage, create, start, stop, remove, exec
    }

    /// The operation that fails.
    public var operation: Operation
    /// Fails only for workloads whose id or image contains this text; `nil` fails every workload.
    public var matching: String?
    /// How many more times it fails; `nil` is every time.
    public var remaining: Int?
    /// The runtime's message for the failure.
    public var message: String
    /// The error code it fails with.
    public var code: RuntimeError.Code

    /// Creates a fault.
    public init(
        _ operation: Operation, matching: String? = nil, times remaining: Int? = nil,
        message: String = "injected failure", code: RuntimeError.Code = .failed
    ) {
        self.operation = operation
        self.matching = matching
        self.remaining = remaining
        self.message = message
        self.code = code
    }

    /// Whether the fault applies to a workload with `id` and `image`.
    func applies(to operation: Operation, id: String, image: String?) -> Bool {
        guard operation == self.operation, remaining.map({ $0 > 0 }) ?? true else { return false }
        guard let matching else { return true }
        return id.contains(matching) || (image?.contains(matching) ?? false)
    }
}
