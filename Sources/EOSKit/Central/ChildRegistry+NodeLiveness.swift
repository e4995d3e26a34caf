internal import EOSModel
internal import EOSSite

extension ChildRegistry {
    /// The liveness of `node` that counts at `now`: its site's word while the central hears the site, `Unknown` since
    /// the site went silent otherwise; for a node attached directly, the central's own judgement.
    func liveness(of node: NodeRecord, at now: Timestamp) -> LivenessStatus {
        guard let site = node.siteID else { return liveness(kind: .node, id: node.id, at: now) ?? node.liveness }
        let heard = liveness(kind: .site, id: site, at: now)
        guard heard?.liveness != .ready else { return node.liveness }
        return LivenessStatus(
            liveness: .unknown, since: heard?.since ?? heard?.lastSeen, lastSeen: node.liveness.lastSeen)
    }
}
