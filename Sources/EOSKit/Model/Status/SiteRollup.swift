/// One site's share of a deployment's status.
public struct SiteRollup: Sendable, Hashable, Codable {
    /// The site.
    public var id: String
    /// Nodes the deployment targets at this site.
    public var targeted: Int
    /// Nodes that report the current generation installed.
    public var installed: Int
    /// Nodes that report the current generation failed.
    public var failed: Int
    /// Nodes that are not `Ready`.
    public var unreachable: Int
    /// When the site's latest report was observed.
    public var observedAt: Timestamp?

    /// Creates a site rollup.
    public init(id: String, targeted: Int = 0, installed: Int = 0, failed: Int = 0, unreachable: Int = 0, observedAt: Timestamp? = nil) {
        self.id = id
        self.targeted = targeted
        self.installed = installed
        self.failed = failed
        self.unreachable = unreachable
        self.observedAt = observedAt
    }

    /// A site's rollup from its counts.
    public init(id: String, counts: RolloutCounts, observedAt: Timestamp?) {
        self.init(
            id: id, targeted: counts.targeted, installed: counts.installed, failed: counts.failed,
            unreachable: counts.unreachable, observedAt: observedAt)
    }
}
