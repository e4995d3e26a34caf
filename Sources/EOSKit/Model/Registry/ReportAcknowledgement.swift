/// A parent's answer at the end of a status or telemetry stream: what it accepted.
public struct ReportAcknowledgement: Sendable, Hashable, Codable {
    /// The highest sequence the parent accepted; the child may forget everything up to it.
    public var lastSequence: UInt64
    /// How many reports or batches of the stream the parent accepted.
    public var accepted: UInt64

    /// Creates an acknowledgement.
    public init(lastSequence: UInt64, accepted: UInt64) {
        self.lastSequence = lastSequence
        self.accepted = accepted
    }
}
