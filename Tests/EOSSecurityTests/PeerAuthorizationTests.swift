import Testing
import X509

@testable import EOSSecurity

/// One row of the authorization table.
struct AuthorizationCase: Sendable, CustomTestStringConvertible {
    let policy: PeerAuthorization
    let rpc: MargoRPC
    let caller: SPIFFEIdentity?
    var subject: AuthorizationSubject? = nil
    var attached: Set<String> = []
    /// `nil` for allow; otherwise a fragment the denial's reason must contain.
    let denial: String?

    var testDescription: String {
        "\(caller.map(\.uri) ?? "no identity") → \(rpc) on \(policy.server)"
            + (subject.map { " about \($0)" } ?? "") + (denial == nil ? ": allow" : ": deny")
    }
}

@Suite("Peer authorization")
struct PeerAuthorizationTests {
    static let domain = PKITestSupport.trustDomain
    static let central = try! SPIFFEIdentity.central(in: domain)
    static let siteA = try! SPIFFEIdentity.site("store-1", in: domain)
    static let siteB = try! SPIFFEIdentity.site("store-2", in: domain)
    static let node1 = try! SPIFFEIdentity.node("edge-1", in: domain)
    static let node2 = try! SPIFFEIdentity.node("edge-2", in: domain)
    static let foreignCentral = try! SPIFFEIdentity.central(in: PKITestSupport.otherTrustDomain)
    static let foreignSiteA = try! SPIFFEIdentity.site("store-1", in: PKITestSupport.otherTrustDomain)
    static let foreignNode1 = try! SPIFFEIdentity.node("edge-1", in: PKITestSupport.otherTrustDomain)

    static let atSite = PeerAuthorization(server: siteA)
    static let atCentral = PeerAuthorization(server: central)
    /// edge-1 is attached to store-1.
    static let atNodeUnderSite = PeerAuthorization(server: node1, parent: siteA)
    /// edge-2 is attached directly to the central.
    static let atNodeDirect = PeerAuthorization(server: node2, parent: central)
    static let atNodeWithoutParent = PeerAuthorization(server: node1)

    static let upstreamRPCs: [MargoRPC] = [.register, .heartbeat, .reportStatus, .reportTelemetry, .sync]

    static let table: [AuthorizationCase] =
        // LocalOrchestrator: only the central.
        [MargoRPC.deployFleet, .removeFleet, .getSiteStatus].flatMap { rpc in
            [
                AuthorizationCase(policy: atSite, rpc: rpc, caller: central, denial: nil),
                AuthorizationCase(
                    policy: atSite, rpc: rpc, caller: siteB, denial: "only the central identity may call"),
                AuthorizationCase(
                    policy: atSite, rpc: rpc, caller: siteA, denial: "only the central identity may call"),
                AuthorizationCase(
                    policy: atSite, rpc: rpc, caller: node1, denial: "only the central identity may call"),
                AuthorizationCase(policy: atSite, rpc: rpc, caller: foreignCentral, denial: "trust domain"),
                AuthorizationCase(policy: atSite, rpc: rpc, caller: nil, denial: "the caller has none"),
                AuthorizationCase(policy: atCentral, rpc: rpc, caller: central, denial: "is served by a site"),
                AuthorizationCase(policy: atNodeUnderSite, rpc: rpc, caller: central, denial: "is served by a site"),
            ]
        }
        // EdgeNode: only the parent.
        + [MargoRPC.applyDeploy, .removeDeploy, .getNodeStatus].flatMap { rpc in
            [
                AuthorizationCase(policy: atNodeUnderSite, rpc: rpc, caller: siteA, denial: nil),
                AuthorizationCase(policy: atNodeUnderSite, rpc: rpc, caller: central, denial: "only the parent of"),
                AuthorizationCase(policy: atNodeUnderSite, rpc: rpc, caller: siteB, denial: "only the parent of"),
                AuthorizationCase(policy: atNodeUnderSite, rpc: rpc, caller: node2, denial: "only the parent of"),
                AuthorizationCase(policy: atNodeUnderSite, rpc: rpc, caller: node1, denial: "only the parent of"),
                AuthorizationCase(policy: atNodeUnderSite, rpc: rpc, caller: foreignSiteA, denial: "trust domain"),
                AuthorizationCase(policy: atNodeUnderSite, rpc: rpc, caller: nil, denial: "the caller has none"),
                AuthorizationCase(policy: atNodeDirect, rpc: rpc, caller: central, denial: nil),
                AuthorizationCase(policy: atNodeDirect, rpc: rpc, caller: siteA, denial: "only the parent of"),
                AuthorizationCase(policy: atNodeWithoutParent, rpc: rpc, caller: siteA, denial: "it has none yet"),
                AuthorizationCase(policy: atSite, rpc: rpc, caller: central, denial: "is served by a node"),
                AuthorizationCase(policy: atCentral, rpc: rpc, caller: central, denial: "is served by a node"),
            ]
        }
        // Upstream: a node as itself; a site, at the central, as itself and for its nodes.
        + upstreamRPCs.flatMap { rpc in
            [
                AuthorizationCase(policy: atSite, rpc: rpc, caller: node1, subject: .node("edge-1"), denial: nil),
                AuthorizationCase(
                    policy: atSite, rpc: rpc, caller: node1, subject: .node("edge-2"), denial: "only as itself"),
                AuthorizationCase(
                    policy: atSite, rpc: rpc, caller: node1, subject: .site("store-1"), denial: "only as itself"),
                AuthorizationCase(policy: atSite, rpc: rpc, caller: node1, denial: "must name the site or node"),
                AuthorizationCase(
                    policy: atSite, rpc: rpc, caller: siteB, subject: .site("store-2"), denial: "on the central"),
                AuthorizationCase(
                    policy: atSite, rpc: rpc, caller: central, subject: .site("store-1"), denial: "has no parent"),
                AuthorizationCase(
                    policy: atSite, rpc: rpc, caller: foreignNode1, subject: .node("edge-1"), denial: "trust domain"),
                AuthorizationCase(policy: atCentral, rpc: rpc, caller: siteA, subject: .site("store-1"), denial: nil),
                AuthorizationCase(
                    policy: atCentral, rpc: rpc, caller: siteA, subject: .node("edge-1"), attached: ["edge-1"],
                    denial: nil),
                AuthorizationCase(
                    policy: atCentral, rpc: rpc, caller: siteA, subject: .node("edge-2"), attached: ["edge-1"],
                    denial: "not attached to it"),
                AuthorizationCase(
                    policy: atCentral, rpc: rpc, caller: siteA, subject: .site("store-2"), denial: "only as itself"),
                AuthorizationCase(policy: atCentral, rpc: rpc, caller: node2, subject: .node("edge-2"), denial: nil),
                AuthorizationCase(
                    policy: atCentral, rpc: rpc, caller: node2, subject: .node("edge-1"), denial: "only as itself"),
                AuthorizationCase(
                    policy: atCentral, rpc: rpc, caller: node2, subject: .site("store-1"), denial: "only as itself"),
                AuthorizationCase(
                    policy: atCentral, rpc: rpc, caller: central, subject: .site("store-1"), denial: "has no parent"),
                AuthorizationCase(
                    policy: atCentral, rpc: rpc, caller: foreignSiteA, subject: .site("store-1"),
                    denial: "trust domain"),
                AuthorizationCase(
                    policy: atCentral, rpc: rpc, caller: nil, subject: .node("edge-1"), denial: "the caller has none"),
                AuthorizationCase(
                    policy: atNodeUnderSite, rpc: rpc, caller: node2, subject: .node("edge-2"),
                    denial: "is served by a site or the central"),
            ]
        }
        // Attach: nodes only, as themselves, at a site or at the central.
        + [
            AuthorizationCase(policy: atSite, rpc: .attach, caller: node1, subject: .node("edge-1"), denial: nil),
            AuthorizationCase(policy: atCentral, rpc: .attach, caller: node2, subject: .node("edge-2"), denial: nil),
            AuthorizationCase(
                policy: atSite, rpc: .attach, caller: node1, subject: .node("edge-2"), denial: "only as itself"),
            AuthorizationCase(
                policy: atCentral, rpc: .attach, caller: siteA, subject: .site("store-1"),
                denial: "only a node attaches"),
            AuthorizationCase(
                policy: atCentral, rpc: .attach, caller: central, subject: .site("store-1"),
                denial: "only a node attaches"),
            AuthorizationCase(
                policy: atNodeUnderSite, rpc: .attach, caller: siteA, subject: .site("store-1"),
                denial: "is served by a site or the central"),
        ]

    @Test("the rules of DESIGN §5", arguments: table)
    func rule(_ row: AuthorizationCase) {
        let decision = row.policy.decide(
            row.rpc, caller: row.caller, subject: row.subject, nodesAttachedToCaller: row.attached)
        switch (decision, row.denial) {
        case (.allow, nil):
            break
        case (.deny(let reason), let fragment?):
            #expect(reason.contains(fragment), "reason: \(reason)")
        case (.allow, let fragment?):
            Issue.record("allowed, but should be denied (\(fragment))")
        case (.deny(let reason), nil):
            Issue.record("denied, but should be allowed: \(reason)")
        }
    }

    @Test("every RPC has at least one allowed and one denied caller in the table")
    func tableCoversEveryRPC() {
        for rpc in MargoRPC.allCases {
            #expect(Self.table.contains { $0.rpc == rpc && $0.denial == nil }, "\(rpc) is never allowed")
            #expect(Self.table.contains { $0.rpc == rpc && $0.denial != nil }, "\(rpc) is never denied")
        }
    }

    @Test("authorize throws permissionDenied with the reason")
    func authorizeThrows() throws {
        let error = try #require(throws: SecurityError.self) {
            try Self.atSite.authorize(.deployFleet, caller: Self.node1)
        }
        #expect(error.code == .permissionDenied)
        #expect(
            error.message == "permission denied: only the central identity may call LocalOrchestrator/DeployFleet; "
                + "the caller is spiffe://fleet.example.com/eos/node/edge-1")
        #expect(throws: Never.self) { try Self.atSite.authorize(.deployFleet, caller: Self.central) }
    }

    @Test("RPCs are found from gRPC service and method names")
    func rpcNames() {
        #expect(MargoRPC(service: "eos.margo.v1.LocalOrchestrator", method: "DeployFleet") == .deployFleet)
        #expect(MargoRPC(service: "EdgeNode", method: "GetNodeStatus") == .getNodeStatus)
        #expect(MargoRPC(service: "eos.margo.v1.Upstream", method: "ReportTelemetry") == .reportTelemetry)
        #expect(MargoRPC(service: "eos.margo.v1.Upstream", method: "DeployFleet") == nil)
        #expect(MargoRPC(service: "other.v1.Upstream", method: "Register") == nil)
        #expect(MargoRPC.allCases.count == 12)
        for rpc in MargoRPC.allCases {
            #expect(MargoRPC(service: "eos.margo.v1.\(rpc.service.rawValue)", method: rpc.method) == rpc)
        }
    }

    @Test("the identity is the certificate's one spiffe:// URI SAN")
    func identityFromCertificate() throws {
        let certificate = try PKITestSupport.certificate(uris: ["https://example.com/x", Self.siteA.uri])
        #expect(try PeerAuthorization.identity(of: certificate) == Self.siteA)
    }

    @Test("a certificate with no spiffe:// URI SAN names no identity")
    func noIdentity() throws {
        for uris in [[], ["https://example.com/x"]] {
            let certificate = try PKITestSupport.certificate(uris: uris)
            let error = try #require(throws: SecurityError.self) { try PeerAuthorization.identity(of: certificate) }
            #expect(error.code == .invalidCertificate)
            #expect(error.message == "the certificate carries no spiffe:// URI SAN, so it names no EOS identity")
        }
    }

    @Test("a certificate with several spiffe:// URI SANs is refused")
    func severalIdentities() throws {
        let certificate = try PKITestSupport.certificate(uris: [Self.node1.uri, Self.node2.uri])
        let error = try #require(throws: SecurityError.self) { try PeerAuthorization.identity(of: certificate) }
        #expect(error.code == .invalidCertificate)
        #expect(error.message.contains("carries 2 spiffe:// URI SANs"))
    }

    @Test("a spiffe:// URI SAN that is not an EOS identity is refused")
    func notEOS() throws {
        let certificate = try PKITestSupport.certificate(uris: ["spiffe://fleet.example.com/workload/web"])
        let error = try #require(throws: SecurityError.self) { try PeerAuthorization.identity(of: certificate) }
        #expect(error.code == .invalidIdentity)
    }
}
