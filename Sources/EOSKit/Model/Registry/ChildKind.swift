/// What tier a child of the orchestration tree is: a site's LO under the CO, or an EN under its LO or the CO.
public enum ChildKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A site's Local Orchestrator.
    case site
    /// An Edge Node agent.
    case node
}
