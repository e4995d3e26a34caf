/// Node deployment statuses a child sends upward as one message of its status stream.
///
/// `sequence` increases by one with every report a child sends, across reconnects, so the parent can spot gaps and
/// duplicates and the child can drop from its outbox what the parent has acknowledged.
public struct StatusReport: Sendable, Hashable, Codable {
    /// The report's place in the child's sequence, from 1.
    public var sequence: UInt64
    /// The statuses, each the latest for its node and deployment when sent.
    public var statuses: [NodeDeploymentStatus]

    /// Creates a report.
    public init(sequence: UInt64, statuses: [NodeDeploymentStatus]) {
        self.sequence = sequence
        self.statuses = statuses
    }
}
