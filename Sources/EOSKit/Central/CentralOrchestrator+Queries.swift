public import EOSModel

extension CentralOrchestrator {
    /// One page of sites, by id, with their liveness.
    public func sites(after cursor: String?, limit: Int) async throws -> Page<SiteSummary> {
        let page = try await registry.sites(after: cursor, limit: limit)
        var items: [SiteSummary] = []
        for site in page.items { items.append(try await summary(of: site)) }
        return Page(items: items, next: page.next)
    }

    /// A site with its liveness; `nil` when unknown.
    public func site(id: String) async throws -> SiteSummary? {
        guard let site = try await registry.site(id: id) else { return nil }
        return try await summary(of: site)
    }

    /// One page of nodes, by id (only those of `site` when given), each with the liveness that counts: a node
    /// behind a site the central cannot hear is `Unknown` since the site went silent.
    public func nodes(after cursor: String?, limit: Int, site: String? = nil) async throws -> Page<NodeRecord> {
        let page = try await registry.nodes(after: cursor, limit: limit, site: site)
        let now = Timestamp.now
        return Page(items: page.items.map { effective($0, at: now) }, next: page.next)
    }

    /// A node with the liveness that counts; `nil` when unknown.
    public func node(id: String) async throws -> NodeRecord? {
        try await registry.node(id: id).map { effective($0, at: .now) }
    }

    /// One page of deployment statuses, by deployment name.
    public func statuses(after cursor: String?, limit: Int) async throws -> Page<DeploymentStatusSummary> {
        let page = try await registry.deployments(after: cursor, limit: limit, includeRemoved: false)
        let fleet = try await FleetSnapshot.read(registry, children: children, at: .now)
        var items: [DeploymentStatusSummary] = []
        for record in page.items { items.append(try await status(of: record, in: fleet, detail: false)) }
        return Page(items: items, next: page.next)
    }

    private func summary(of site: SiteRecord) async throws -> SiteSummary {
        let now = Timestamp.now
        let liveness =
            children.liveness(kind: .site, id: site.id, at: now)
            ?? LivenessStatus(liveness: .offline, lastSeen: site.lastSeen)
        let nodes = try await registry.nodes(after: nil, limit: 100_000, site: site.id).items.count
        return SiteSummary(
            id: site.id, labels: site.labels, capabilities: site.capabilities, endpoint: site.endpoint,
            liveness: liveness, nodes: nodes)
    }

    private func effective(_ node: NodeRecord, at now: Timestamp) -> NodeRecord {
        var node = node
        node.liveness = children.liveness(of: node, at: now)
        return node
    }
}
