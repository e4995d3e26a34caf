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
    /// The nodes as the registry holds them, shared with it rather than copied.
    var nodes: [NodeRecord] = []
    /// The liveness that counts of each of ``nodes``, in the same order.
    var liveness: [NodeLiveness] = []

    /// Reads the registry and the children's liveness at `now`.
    static func read(_ registry: any FleetRegistry, children: ChildRegistry, at now: Timestamp) async throws -> Self {
        var snapshot = FleetSnapshot()
        var cursor: String?
        repeat {
            let page = try await registry.deployments(after: cursor, limit: 500, includeRemoved: true)
            snapshot.deployments += page.items
            cursor = page.next
        } while cursor != nil
        // Every status query and controller pass reads the whole fleet, so its nodes come in pages large enough
        // that a fleet of 10,000 takes one, kept as it comes rather than copied again.
        repeat {
            let page = try await registry.nodes(after: cursor, limit: 10_000, site: nil)
            if snapshot.nodes.isEmpty { snapshot.nodes = page.items } else { snapshot.nodes += page.items }
            cursor = page.next
        } while cursor != nil
        var siteLiveness: [String: LivenessStatus] = [:]
        for child in children.children(of: .site) {
            let liveness = children.liveness(of: child, at: now)
            snapshot.sites.append(Site(child: child, liveness: liveness))
            siteLiveness[child.id] = liveness
        }
        snapshot.liveness = snapshot.nodes.indices.map { index in
            if let site = snapshot.nodes[index].siteID {
                ChildRegistry.liveness(of: snapshot.nodes[index], behind: siteLiveness[site]).liveness
            } else {
                children.liveness(of: snapshot.nodes[index], at: now).liveness
            }
        }
        return snapshot
    }

    /// The nodes `target` selects, with the liveness that counts.
    func targets(of target: FleetTarget) -> [RolloutPlanner.Target] {
        let sitesSelected = Set(
            sites.filter { target.matchesSite($0.child.labels) }.map(\.child.id))
        var targets: [RolloutPlanner.Target] = []
        targets.reserveCapacity(nodes.count)
        // By index, so each record is read where it lies instead of copied out.
        for index in nodes.indices {
            let siteMatches = nodes[index].siteID.map(sitesSelected.contains) ?? (target.sites == nil)
            guard siteMatches, target.matchesNode(nodes[index].labels) else { continue }
            targets.append(.init(nodeID: nodes[index].id, siteID: nodes[index].siteID, liveness: liveness[index]))
        }
        return targets
    }
}
