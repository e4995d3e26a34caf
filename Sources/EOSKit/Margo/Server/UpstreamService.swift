internal import EOSModel
internal import EOSSecurity
public import GRPCCore

/// Serves an ``UpstreamHandler`` as the gRPC `Upstream` service.
///
/// Beyond decoding, it enforces what a child may claim (DESIGN §5): a node registers, heartbeats, syncs and reports
/// only as itself; a site as itself and for nodes attached to it. A status report about any other node is refused
/// `PERMISSION_DENIED` and ends the stream. A node's `Attach` stream is held in the handler's ``ChildAttachments``
/// for the parent's calls.
public struct UpstreamService<Handler: UpstreamHandler>: Eos_Margo_V1_Upstream.SimpleServiceProtocol {
    /// The parent's implementation.
    public let handler: Handler

    /// Serves `handler`.
    public init(handler: Handler) { self.handler = handler }

    public func register(
        request: Eos_Margo_V1_RegisterRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_RegisterResponse {
        var registration = try decoded { () throws(MargoError) in try ChildRegistration(wire: request) }
        let caller = try await authorize(.register, about: registration.kind, registration.id, context)
        registration.endpoint = registration.endpoint.map { Self.resolve($0, remotePeer: context.remotePeer) }
        return try await answeringMargoErrors { try await handler.register(registration, caller: caller).wire }
    }

    public func heartbeat(
        request: Eos_Margo_V1_HeartbeatRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_HeartbeatResponse {
        let heartbeat = try decoded { () throws(MargoError) in try Heartbeat(wire: request) }
        let caller = try await authorize(.heartbeat, about: heartbeat.kind, heartbeat.id, context)
        return try await answeringMargoErrors { try await handler.heartbeat(heartbeat, caller: caller).wire }
    }

    public func sync(
        request: Eos_Margo_V1_SyncRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_SyncResponse {
        let sync = try decoded { () throws(MargoError) in try SyncRequest(wire: request) }
        let caller = try await authorize(.sync, about: sync.kind, sync.id, context)
        return try await answeringMargoErrors { try await handler.sync(sync, caller: caller).wire }
    }

    public func reportStatus(
        request: RPCAsyncSequence<Eos_Margo_V1_StatusReport, any Error>, context: ServerContext
    ) async throws -> Eos_Margo_V1_ReportStatusResponse {
        let peer = try context.requireVerifiedPeer()
        let attached = peer.identity.role == .site ? await handler.nodesAttached(toSite: peer.identity.id ?? "") : []
        let reports = request.map { wire throws -> StatusReport in
            let report = try decoded { () throws(MargoError) in try StatusReport(wire: wire) }
            for status in report.statuses {
                try Self.check(.reportStatus, subject: .node(status.nodeID), peer: peer, attached: attached)
            }
            return report
        }
        return try await answeringMargoErrors {
            Eos_Margo_V1_ReportStatusResponse(try await handler.reportStatus(reports, caller: peer.identity))
        }
    }

    public func reportTelemetry(
        request: RPCAsyncSequence<Eos_Margo_V1_TelemetryBatch, any Error>, context: ServerContext
    ) async throws -> Eos_Margo_V1_ReportTelemetryResponse {
        let peer = try context.requireVerifiedPeer()
        let attached = peer.identity.role == .site ? await handler.nodesAttached(toSite: peer.identity.id ?? "") : []
        let batches = request.map { wire throws -> TelemetryBatch in
            let batch = try decoded { () throws(MargoError) in try TelemetryBatch(wire: wire) }
            let subject: AuthorizationSubject =
                batch.sourceID == peer.identity.id && peer.identity.role == .site
                ? .site(batch.sourceID) : .node(batch.sourceID)
            try Self.check(.reportTelemetry, subject: subject, peer: peer, attached: attached)
            return batch
        }
        return try await answeringMargoErrors {
            Eos_Margo_V1_ReportTelemetryResponse(try await handler.reportTelemetry(batches, caller: peer.identity))
        }
    }

    /// Holds a node's stream for its parent's calls (``ChildAttachments``) while the node keeps it open. Only a node
    /// attaches, as itself; a parent with no ``UpstreamHandler/attachments`` answers `UNIMPLEMENTED`.
    public func attach(
        request: RPCAsyncSequence<Eos_Margo_V1_ChildAnswer, any Error>, response: RPCWriter<Eos_Margo_V1_ParentCall>,
        context: ServerContext
    ) async throws {
        let peer = try context.requireVerifiedPeer()
        try Self.check(.attach, subject: .node(peer.identity.id ?? ""), peer: peer, attached: [])
        guard let attachments = handler.attachments, let node = peer.identity.id else {
            throw RPCError(
                code: .unimplemented,
                message: "this parent makes no calls over its children's connections; it calls EdgeNode instead")
        }
        try await attachments.hold(node, writer: response) { child in try await child.carry(answers: request) }
    }

    /// `endpoint` with a wildcard host (`0.0.0.0`, `::`) replaced by the host of `remotePeer` (the transport's
    /// `ipv4:HOST:PORT` or `ipv6:[HOST]:PORT`): a child listening on every address is reached where it called from.
    static func resolve(_ endpoint: String, remotePeer: String) -> String {
        guard var parsed = try? MargoEndpoint(parsing: endpoint), ["0.0.0.0", "::", ""].contains(parsed.host) else {
            return endpoint
        }
        let address = remotePeer.drop { $0 != ":" }.dropFirst()
        guard let peer = try? MargoEndpoint(parsing: String(address)) else { return endpoint }
        parsed.host = peer.host
        return "\(parsed)"
    }

    /// Checks that the verified caller may make `rpc` about the child `kind`/`id`, and returns the caller.
    private func authorize(
        _ rpc: MargoRPC, about kind: ChildKind, _ id: String, _ context: ServerContext
    ) async throws -> SPIFFEIdentity {
        let peer = try context.requireVerifiedPeer()
        let attached = peer.identity.role == .site ? await handler.nodesAttached(toSite: peer.identity.id ?? "") : []
        try Self.check(rpc, subject: kind == .site ? .site(id) : .node(id), peer: peer, attached: attached)
        return peer.identity
    }

    private static func check(
        _ rpc: MargoRPC, subject: AuthorizationSubject, peer: VerifiedPeer, attached: Set<String>
    ) throws(RPCError) {
        if case .deny(let reason) = peer.authorization.decide(
            rpc, caller: peer.identity, subject: subject, nodesAttachedToCaller: attached)
        {
            throw RPCError(code: .permissionDenied, message: "permission denied: \(reason)")
        }
    }
}
