internal import EOSModel
internal import EOSSite

/// The fleet as one pass of the ``DeploymentController`` sees it: every deployment's latest generation, the sites
/// with their liveness, and the nodes with the liveness that counts (a node behind a site that cannot be heard is
/// `Unknown`, whatever the site last said of it).
struct FleetSnapshot {
    struct Site {
        var child: RegisteredChild
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
                Site(child: child, liveness: children.liveness(of: child, at: now)))
        }
        for index in snapshot.nodes.indices {
            snapshot.nodes[index].liveness = children.liveness(of: snapshot.nodes[index], at: now)
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
