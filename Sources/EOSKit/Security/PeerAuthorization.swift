public import X509

/// Who may call what between EOS peers: the rules of mutual-TLS authorization, as a pure policy.
///
/// One value serves one peer: it knows that peer's own identity and, for a node, its parent. For each incoming
/// call the transport takes the caller's identity from its certificate (``identity(of:)``), maps the call to a
/// ``MargoRPC``, and asks ``decide(_:caller:subject:nodesAttachedToCaller:)``. The rules:
///
/// - A caller without an EOS identity, or from another trust domain, is refused everything.
/// - `LocalOrchestrator` (`DeployFleet`, `RemoveFleet`, `GetSiteStatus`), served by a site: only the central.
/// - `EdgeNode` (`ApplyDeploy`, `RemoveDeploy`, `GetNodeStatus`), served by a node: only that node's parent, the
///   site it is attached to or the central for a node attached directly.
/// - `Upstream` (`Register`, `Heartbeat`, `ReportStatus`, `ReportTelemetry`, `Sync`), served by a site (for its
///   nodes) and by the central (for sites and directly attached nodes): a node only as itself; a site, at the
///   central only, as itself and for the nodes attached to it. The central calls no `Upstream`. `Attach`, which
///   carries the parent's `EdgeNode` calls down the node's own connection, is for nodes only.
/// - A call to a service the serving peer's role does not serve is refused.
public struct PeerAuthorization: Sendable, Hashable {
    /// The identity of the peer serving the calls.
    public let server: SPIFFEIdentity
    /// For a node: the identity of its parent, the site it is attached to, or the central when it is attached
    /// directly. `nil` until the node knows it (it then refuses every `EdgeNode` call); ignored for a site or the
    /// central.
    public let parent: SPIFFEIdentity?

    /// Creates the policy of the peer `server`, with its `parent` when it is a node.
    public init(server: SPIFFEIdentity, parent: SPIFFEIdentity? = nil) {
        self.server = server
        self.parent = parent
    }

    /// Decides whether `caller` may make `rpc` on this peer.
    ///
    /// - Parameters:
    ///   - rpc: The call.
    ///   - caller: The identity from the caller's certificate; `nil` if it presented none or one without an EOS
    ///     identity.
    ///   - subject: For an `Upstream` call, the site or node the request claims to be about; required there.
    ///   - nodesAttachedToCaller: When the caller is a site, the ids of the nodes attached to it, as this peer's
    ///     registry knows them; a site may speak for these nodes only.
    public func decide(
        _ rpc: MargoRPC, caller: SPIFFEIdentity?, subject: AuthorizationSubject? = nil,
        nodesAttachedToCaller: Set<String> = []
    ) -> AuthorizationDecision {
        guard let caller else {
            return .deny(reason: "\(rpc) needs a client certificate carrying an EOS identity, and the caller has none")
        }
        guard caller.trustDomain == server.trustDomain else {
            return .deny(
                reason:
                    "the caller \(caller) is in trust domain \"\(caller.trustDomain)\", not \"\(server.trustDomain)\"")
        }
        switch rpc.service {
        case .localOrchestrator:
            guard server.role == .site else { return notServed(rpc, servedBy: "a site") }
            guard caller.role == .central else {
                return .deny(reason: "only the central identity may call \(rpc); the caller is \(caller)")
            }
            return .allow

        case .edgeNode:
            guard server.role == .node else { return notServed(rpc, servedBy: "a node") }
            guard let parent else {
                return .deny(
                    reason: "only the parent of \(server) may call \(rpc), and it has none yet; the caller is \(caller)"
                )
            }
            guard caller == parent else {
                return .deny(
                    reason: "only the parent of \(server), \(parent), may call \(rpc); the caller is \(caller)")
            }
            return .allow

        case .upstream:
            guard server.role != .node else { return notServed(rpc, servedBy: "a site or the central") }
            guard let subject else {
                return .deny(reason: "\(rpc) must name the site or node it is about")
            }
            if rpc == .attach, caller.role != .node {
                return .deny(reason: "only a node attaches for its parent's EdgeNode calls; the caller is \(caller)")
            }
            switch caller.role {
            case .central:
                return .deny(reason: "the central identity has no parent and may not call \(rpc)")
            case .node:
                guard subject == .node(caller.id ?? "") else {
                    return .deny(reason: "a node may call \(rpc) only as itself; \(caller) claimed to be \(subject)")
                }
                return .allow
            case .site:
                guard server.role == .central else {
                    return .deny(
                        reason: "a site calls \(rpc) on the central, not on another site; the caller is \(caller)")
                }
                switch subject {
                case .site(let id) where id == caller.id:
                    return .allow
                case .site:
                    return .deny(reason: "a site may call \(rpc) only as itself; \(caller) claimed to be \(subject)")
                case .node(let id):
                    guard nodesAttachedToCaller.contains(id) else {
                        return .deny(reason: "\(caller) called \(rpc) for node \(id), which is not attached to it")
                    }
                    return .allow
                }
            }
        }
    }

    /// Like ``decide(_:caller:subject:nodesAttachedToCaller:)``, but throws `.permissionDenied` with the reason
    /// when the call is refused.
    public func authorize(
        _ rpc: MargoRPC, caller: SPIFFEIdentity?, subject: AuthorizationSubject? = nil,
        nodesAttachedToCaller: Set<String> = []
    ) throws(SecurityError) {
        if case .deny(let reason) = decide(
            rpc, caller: caller, subject: subject, nodesAttachedToCaller: nodesAttachedToCaller)
        {
            throw SecurityError(code: .permissionDenied, message: "permission denied: \(reason)")
        }
    }

    /// The EOS identity a certificate carries as its `spiffe://` URI SAN.
    ///
    /// Throws `.invalidCertificate` if the certificate has no `spiffe://` URI SAN or several (a SPIFFE certificate
    /// has exactly one), and `.invalidIdentity` if its one `spiffe://` URI is not an EOS identity. Other URI SANs
    /// are ignored.
    public static func identity(of certificate: Certificate) throws(SecurityError) -> SPIFFEIdentity {
        let names: SubjectAlternativeNames?
        do {
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw SecurityError(
                code: .invalidCertificate, message: "the subjectAlternativeName extension is malformed", cause: error)
        }
        var uris: [String] = []
        for case .uniformResourceIdentifier(let uri) in names ?? SubjectAlternativeNames()
        where uri.lowercased().hasPrefix("spiffe://") {
            uris.append(uri)
        }
        guard uris.count == 1 else {
            throw SecurityError(
                code: .invalidCertificate,
                message: uris.isEmpty
                    ? "the certificate carries no spiffe:// URI SAN, so it names no EOS identity"
                    : "the certificate carries \(uris.count) spiffe:// URI SANs (\(uris.joined(separator: ", "))); "
                        + "an EOS certificate carries exactly one")
        }
        return try SPIFFEIdentity(uri: uris[0])
    }

    private func notServed(_ rpc: MargoRPC, servedBy: String) -> AuthorizationDecision {
        .deny(reason: "\(rpc) is served by \(servedBy), and this peer is \(server)")
    }
}
