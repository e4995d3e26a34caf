public import EOSModel

/// Where an ``UpstreamIntake`` learns what each child should hold: the parent's desired state, per child.
///
/// An LO answers from its site cache (the deployments whose target selects the node); the CO from its fleet
/// registry. Errors thrown here reach the child as a failed call, which it retries.
public protocol ChildDesiredStates: Sendable {
    /// The generation `child` should hold of each deployment, by deployment name: what ``RegistrationAcceptance``
    /// carries. A deployment not listed is one the child should not hold.
    func desiredGenerations(for child: RegisteredChild) async throws -> [String: Int64]

    /// The desired states that differ from what `child` holds (`applied`), and the removals of what it should not
    /// hold: the answer to its `Sync`. ``SyncResponse/init(desired:applied:)`` computes it from a list of states.
    func sync(applied: [String: Int64], for child: RegisteredChild) async throws -> SyncResponse

    /// Whether `child` should sync: what a heartbeat's answer says. The default compares
    /// ``desiredGenerations(for:)`` with ``RegisteredChild/appliedGenerations``.
    func syncRequired(for child: RegisteredChild) async throws -> Bool
}

extension ChildDesiredStates {
    /// Whether the generations `child` last said it holds differ from ``desiredGenerations(for:)``.
    public func syncRequired(for child: RegisteredChild) async throws -> Bool {
        try await desiredGenerations(for: child) != child.appliedGenerations
    }
}
