internal import EOSModel
internal import EOSSite

extension ChildRegistry {
    /// The liveness of `node` that counts at `now`: its site's word while the central hears the site, `Unknown` since
    /// the site went silent otherwise; for a node attached directly, the central's own judgement.
    func liveness(of node: NodeRecord, at now: Timestamp) -> LivenessStatus {
        guard let site = node.siteID else { return liveness(kind: .node, id: node.id, at: now) ?? node.liveness }
        return Self.liveness(of: node, behind: liveness(kind: .site, id: site, at: now))
    }

    /// The liveness of `node`, which is behind a site whose liveness the central judges `site` (`nil` for a site it
    /// does not know): what a reading of the whole fleet uses, judging each site once for all its nodes.
    static func liveness(of node: NodeRecord, behind site: LivenessStatus?) -> LivenessStatus {
        guard site?.liveness != .ready else { return node.liveness }
        return LivenessStatus(
            liveness: .unknown, since: site?.since ?? site?.lastSeen, lastSeen: node.liveness.lastSeen)
    }
}
