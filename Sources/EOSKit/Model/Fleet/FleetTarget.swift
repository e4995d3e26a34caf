/// Which sites, and which nodes within them, a deployment targets.
///
/// A missing selector matches everything: no `sites` means every site, no `nodes` means every node of the
/// chosen sites.
public struct FleetTarget: Sendable, Hashable, Codable {
    /// Chooses sites by their labels. Default: every site.
    public var sites: LabelSelector?
    /// Chooses nodes by their labels within the chosen sites. Default: every node.
    public var nodes: LabelSelector?

    /// Creates a target.
    public init(sites: LabelSelector? = nil, nodes: LabelSelector? = nil) {
        self.sites = sites
        self.nodes = nodes
    }

    /// Whether a site with these labels is targeted.
    public func matchesSite(_ labels: [String: String]) -> Bool { sites?.matches(labels) ?? true }

    /// Whether a node with these labels is targeted, once its site is.
    public func matchesNode(_ labels: [String: String]) -> Bool { nodes?.matches(labels) ?? true }

    enum CodingKeys: String, CodingKey, CaseIterable { case sites, nodes }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        (sites?.validationProblems(at: path.appending("sites")) ?? [])
            + (nodes?.validationProblems(at: path.appending("nodes")) ?? [])
    }
}

extension FleetTarget: DecodingPlaceholder {
    static var decodingPlaceholder: FleetTarget { FleetTarget() }
}
