/// What a site or node did with a ``FleetDesiredState`` or a ``FleetRemoval``.
public struct ApplyResult: Sendable, Hashable, Codable {
    /// What the receiver did.
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        /// The generation was newer than what the receiver held; it now holds it and converges towards it.
        case accepted
        /// The receiver already held this generation; nothing changed.
        case unchanged
        /// The receiver holds a newer generation and refused this one.
        case stale
    }

    /// What the receiver did.
    public var outcome: Outcome
    /// The generation the receiver holds for the deployment after the call.
    public var generation: Int64

    /// Creates a result.
    public init(outcome: Outcome, generation: Int64) {
        self.outcome = outcome
        self.generation = generation
    }
}
