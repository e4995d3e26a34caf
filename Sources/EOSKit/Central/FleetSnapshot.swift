internal import EOSModel
internal import EOSSite

/// The fleet as one pass of the ``DeploymentController`` sees it: every deployment's latest generation, the sites
/// with their liveness, and the nodes with the liveness that counts (a node behind a site that cannot be heard is
/// `Unknown`, whatever the site last said of it).
struct FleetSnapshot {
    struct Site {
        var child: RegisteredChild
        var record: SiteRecord?
        var liveness: LivenessStatus
    }

    var deployments: [DeploymentRecord] = []
    var sites: [Site] = []
    var nodes: [NodeRecord] = []

    /// Reads the registry and the children's liveness at `now`.
    static func read(_ registry: any FleetRegistry, children: ChildRegistry, at now: Timestamp) async throws -> Self {
        var snapshot = FleetSnapshot()
        var cursor: String?
        repeat {
            let page = try await registry.deployments(after: cursor, limit: 500, includeRemoved: true)
            snapshot.deployments += page.items
            cursor = page.next
        } while cursor != nil
        repeat {
            let page = try await registry.nodes(after: cursor, limit: 1000, site: nil)
            snapshot.nodes += page.items
            cursor = page.next
        } while cursor != nil
        for child in children.children(of: .site) {
            snapshot.sites.append(
                Site(
                    child: child, record: try await registry.site(id: child.id),
                    liveness: children.liveness(of: child, at: now)))
        }
        let siteLiveness = Dictionary(uniqueKeysWithValues: snapshot.sites.map { ($0.child.id, $0.liveness) })
        let direct = Dictionary(
            uniqueKeysWithValues: children.children(of: .node).map { ($0.id, children.liveness(of: $0, at: now)) })
        for index in snapshot.nodes.indices {
            let node = snapshot.nodes[index]
            if let site = node.siteID {
                let heard = siteLiveness[site]
                if heard?.liveness != .ready {
                    snapshot.nodes[index].liveness = LivenessStatus(
                        liveness: .unknown, since: heard?.since ?? heard?.lastSeen, lastSeen: node.liveness.lastSeen)
                }
            } else if let own = direct[node.id] {
                snapshot.nodes[index].liveness = own
            }
        }
        return snapshot
    }

    /// The nodes `target` selects, with the liveness that counts.
    func targets(of target: FleetTarget) -> [RolloutPlanner.Target] {
        let sitesSelected = Set(
            sites.filter { target.matchesSite($0.child.labels) }.map(\.child.id))
        return nodes.filter { node in
            let siteMatches = node.siteID.map(sitesSelected.contains) ?? (target.sites == nil)
            return siteMatches && target.matchesNode(node.labels)
        }.map { RolloutPlanner.Target(nodeID: $0.id, siteID: $0.siteID, liveness: $0.liveness.liveness) }
    }
}
