internal import EOSMargo
internal import EOSModel
internal import EOSSecurity
internal import EOSTelemetry
internal import GRPCCore
internal import Logging
internal import Synchronization

/// The Edge Node's side of `Upstream`: attaches for the parent's calls, registers with the parent, resyncs desired
/// state by generation, heartbeats at the interval the parent asks, and drains the status outbox and the telemetry
/// queue to the parent in order.
///
/// Attaching (`Upstream.Attach`) lets the parent call the node over this connection, as it would call the node's
/// `EdgeNode` service: answered by the same ``EdgeNodeCalls``, only for the node's known parent. A parent that makes
/// no calls that way dials the node's service instead.
///
/// A session lasts until a call fails; the link then waits a jittered, growing delay and starts a new session.
/// Nothing is lost meanwhile: reports stay in the ``EdgeStore`` outbox until the parent acknowledges them, and
/// the node keeps running what it last applied.
struct UpstreamLink {
    let configuration: EdgeNodeConfiguration
    let endpoint: MargoEndpoint
    let tls: TLSMaterial
    let store: EdgeStore
    let calls: EdgeNodeCalls
    let outbox: ReconcileSignal
    let telemetry: TelemetryBuffer
    let capabilities: NodeCapabilities
    /// Where the parent reaches this node's `EdgeNode` service, told in every registration.
    let advertised: @Sendable () async -> MargoEndpoint?
    let onParent: @Sendable (SPIFFEIdentity) -> Void
    /// The node's policy, as it stands now: who may make the calls that arrive on the attach stream.
    let authorization: @Sendable () -> PeerAuthorization
    let logger: Logger
    let clock: any Clock<Duration>

    /// Keeps a session with the parent up until cancelled.
    func run() async {
        await ReconnectLoop.run(
            initialDelay: .milliseconds(500), maximumDelay: configuration.maximumReconnectDelay, clock: clock,
            onFailure: { error, failures in
                logger.warning(
                    "lost the upstream",
                    metadata: ["upstream": "\(endpoint)", "error": "\(error)", "attempt": "\(failures)"])
            },
            session: session)
    }

    private func session() async throws {
        let server = VerifiedServer()
        let transport = try MargoClientTransport(
            connectingTo: endpoint, tls: tls, network: configuration.network,
            expecting: configuration.parent.map { .identity($0) } ?? .parent(inTrustDomain: tls.trustDomain),
            onServerIdentity: { identity in
                server.identity.withLock { $0 = identity }
                onParent(identity)
            })
        try await withGRPCClient(transport: transport) { client in
            let upstream = UpstreamClient(client, policy: configuration.callPolicy)
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Opened first, so the parent can call the node here as soon as it has registered.
                group.addTask { try await attach(upstream, server) }
                let registration = ChildRegistration(
                    kind: .node, id: configuration.nodeID, labels: configuration.labels, capabilities: capabilities,
                    appliedGenerations: try store.appliedGenerations(), endpoint: await advertised().map { "\($0)" })
                let acceptance = try await upstream.register(registration)
                logger.info(
                    "registered with the upstream",
                    metadata: ["upstream": "\(endpoint)", "heartbeat": "\(acceptance.heartbeatInterval)"])
                try await sync(upstream)
                group.addTask {
                    try await upstream.heartbeats(
                        kind: .node, id: configuration.nodeID, every: acceptance.heartbeatInterval, clock: clock,
                        sync: { try await sync(upstream) },
                        onLate: { error, late in
                            logger.warning(
                                "the upstream is slow to answer heartbeats",
                                metadata: ["upstream": "\(endpoint)", "error": "\(error)", "late": "\(late)"])
                        })
                }
                group.addTask { try await drainOutbox(upstream) }
                group.addTask { [telemetry, clock] in
                    try await telemetry.drain(clock: clock) { try await upstream.reportTelemetry($0).lastSequence }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Answers the parent's calls over this session's connection while it lasts; with a parent that makes none this
    /// way, waits for the session to end.
    private func attach(_ upstream: UpstreamClient<MargoClientTransport>, _ server: VerifiedServer) async throws {
        try await upstream.attach(
            serving: calls, server: { server.identity.withLock { $0 } }, authorization: authorization,
            logger: logger)
        logger.debug("the upstream calls this node's EdgeNode service", metadata: ["upstream": "\(endpoint)"])
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    private func sync(_ upstream: UpstreamClient<MargoClientTransport>) async throws {
        let response = try await upstream.sync(
            SyncRequest(kind: .node, id: configuration.nodeID, appliedGenerations: try store.appliedGenerations()))
        // A stale state is the parent's older view; anything else the node cannot record is logged, and the next
        // sync offers it again.
        for state in response.desiredStates {
            do {
                _ = try calls.apply(state)
            } catch  where error.code != .staleGeneration {
                logger.error(
                    "cannot apply a synced state",
                    metadata: ["deployment": "\(state.deployment)", "error": "\(error)"])
            } catch {}
        }
        for removal in response.removals {
            do {
                _ = try calls.remove(removal)
            } catch  where error.code != .staleGeneration {
                logger.error(
                    "cannot apply a synced removal",
                    metadata: ["deployment": "\(removal.deployment)", "error": "\(error)"])
            } catch {}
        }
    }

    /// How long the outbox waits, once woken, before it sends: a reconcile pass queues a deployment's changes one
    /// after another (`installing`, then `installed` a moment later), and they then travel in one stream instead of
    /// one stream each.
    static let gathering = Duration.milliseconds(10)

    private func drainOutbox(_ upstream: UpstreamClient<MargoClientTransport>) async throws {
        while true {
            let pending = try store.pendingReports()
            guard !pending.isEmpty else {
                // Every report is queued by a reconcile pass, which signals; an idle node polls nothing.
                await outbox.wait()
                try Task.checkCancellation()
                try await Task.sleep(for: Self.gathering)
                continue
            }
            let reports = AsyncStream<StatusReport> { continuation in
                for report in pending { continuation.yield(report) }
                continuation.finish()
            }
            let acknowledgement = try await upstream.reportStatus(reports)
            try store.acknowledge(through: acknowledgement.lastSequence)
            if acknowledgement.lastSequence < pending[pending.count - 1].sequence {
                // The parent took part of the batch; wait a moment before resending the rest.
                try await clock.sleep(for: .milliseconds(200))
            }
        }
    }
}

/// The identity of the server a session's connection verified last: the caller of the calls on its attach stream.
private final class VerifiedServer: Sendable {
    let identity = Mutex<SPIFFEIdentity?>(nil)
}
