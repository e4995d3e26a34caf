public import EOSMargo

/// Where a Local Orchestrator serves `Upstream` to its nodes, and over what network it reaches them, when that is
/// apart from where it serves the central.
///
/// A site whose nodes sit on a plant network the central cannot see listens for them there alone; a simulation or
/// benchmark keeps a site's nodes in its own process on an ``InProcessNetwork`` while the central is a real peer
/// over mutual TLS. Either way the LO's certificate is its identity on both sides.
public struct NodeListener: Sendable {
    /// Where the LO serves `Upstream` to its nodes.
    public var listen: MargoEndpoint
    /// How the nodes reach the LO, and the LO its nodes.
    public var network: MargoNetwork

    /// A listener for the site's nodes on `listen`, over `network`.
    public init(listen: MargoEndpoint, network: MargoNetwork = .mutualTLS) {
        self.listen = listen
        self.network = network
    }
}
