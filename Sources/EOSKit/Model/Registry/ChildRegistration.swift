/// A child introducing itself to its parent: who it is, what it can host, and which generations it already holds.
///
/// The parent answers with a ``RegistrationAcceptance``; comparing `appliedGenerations` with the parent's desired
/// generations lets a reconnecting child catch up on what changed rather than on everything.
public struct ChildRegistration: Sendable, Hashable, Codable {
    /// Site or node.
    public var kind: ChildKind
    /// The site id or node id, as its certificate names it.
    public var id: String
    /// The child's labels, which deployment targets select on.
    public var labels: [String: String]
    /// What the child can host, when known; for a site, the sum over its nodes.
    public var capabilities: NodeCapabilities?
    /// The generation of each deployment the child holds, by deployment name.
    public var appliedGenerations: [String: Int64]
    /// Where the parent reaches the child's own service (`EdgeNode` for a node, `LocalOrchestrator` for a site):
    /// `HOST:PORT` or `[IPV6]:PORT`; `nil` when the parent never calls the child. A wildcard host (`0.0.0.0`,
    /// `[::]`) stands for the address the registration came from, which the parent puts in its place.
    public var endpoint: String?

    /// Creates a registration.
    public init(
        kind: ChildKind, id: String, labels: [String: String] = [:], capabilities: NodeCapabilities? = nil,
        appliedGenerations: [String: Int64] = [:], endpoint: String? = nil
    ) {
        self.endpoint = endpoint
        self.kind = kind
        self.id = id
        self.labels = labels
        self.capabilities = capabilities
        self.appliedGenerations = appliedGenerations
    }
}
