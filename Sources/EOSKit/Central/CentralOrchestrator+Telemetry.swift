public import EOSModel
public import EOSTelemetry

extension CentralOrchestrator {
    /// A node's telemetry (only the metrics in `names`, when not empty) from `since` on: what its agent sent, or an
    /// empty answer for a node the registry knows that has sent nothing yet; `nil` for a node the central does not
    /// know.
    public func nodeMetrics(id: String, names: Set<String> = [], since: Timestamp? = nil) async throws -> NodeMetrics? {
        if let metrics = telemetry.nodeMetrics(id, names: names, since: since) { return metrics }
        guard let node = try await registry.node(id: id) else { return nil }
        return NodeMetrics(node: id, site: node.siteID, lastReceivedAt: nil, droppedSamples: 0, series: [])
    }

    /// A site's telemetry rollups and its LO's own series (only the metrics in `names`, when not empty) from `since`
    /// on, or an empty answer for a site the registry knows that has sent nothing yet; `nil` for an unknown site.
    public func siteMetrics(id: String, names: Set<String> = [], since: Timestamp? = nil) async throws -> SiteMetrics? {
        if let metrics = telemetry.siteMetrics(id, names: names, since: since) { return metrics }
        guard try await registry.site(id: id) != nil else { return nil }
        return SiteMetrics(
            site: id, nodes: [], lastReceivedAt: nil, droppedSamples: 0, series: [], localOrchestrator: [])
    }
}
