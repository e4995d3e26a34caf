internal import EOSMargo
internal import EOSModel
internal import EOSSecurity
internal import EOSTelemetry
internal import Foundation
internal import GRPCCore
internal import Logging

/// The Local Orchestrator's side of the central's `Upstream`: registers the site, resyncs desired state by
/// generation (the central's newer generation wins), heartbeats at the interval the central asks, and drains the
/// site's coalescing outbox and its telemetry queue to it in order.
///
/// A session lasts until a call fails; the link then waits a jittered, growing delay and starts a new one. Nothing
/// is lost meanwhile: statuses stay in the ``SiteStore`` outbox until the central acknowledges them, and the site
/// keeps converging on what it holds.
struct CentralLink {
    let configuration: LocalOrchestratorConfiguration
    let endpoint: MargoEndpoint
    let tls: TLSMaterial
    let calls: LocalOrchestratorCalls
    let outbox: ReconcileSignal
    let telemetry: TelemetryBuffer
    let advertised: @Sendable () async -> MargoEndpoint?
    let logger: Logger
    let clock: any Clock<Duration>

    /// Keeps a session with the central up until cancelled.
    func run() async {
        await ReconnectLoop.run(
            initialDelay: .milliseconds(200), maximumDelay: configuration.maximumReconnectDelay, clock: clock,
            onFailure: { error, failures in
                logger.warning(
                    "lost the central",
                    metadata: ["central": "\(endpoint)", "error": "\(error)", "attempt": "\(failures)"])
            },
            session: session)
    }

    private func session() async throws {
        let transport = try MargoClientTransport(
            connectingTo: endpoint, tls: tls, network: configuration.network,
            expecting: .identity(try SPIFFEIdentity.central(in: tls.trustDomain)))
        try await withGRPCClient(transport: transport) { client in
            let central = UpstreamClient(client, policy: configuration.callPolicy)
            let acceptance = try await central.register(try registration())
            logger.info(
                "registered with the central",
                metadata: ["central": "\(endpoint)", "heartbeat": "\(acceptance.heartbeatInterval)"])
            try await sync(central)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await central.heartbeats(
                        kind: .site, id: configuration.siteID, every: acceptance.heartbeatInterval, clock: clock,
                        sync: { try await sync(central) },
                        onLate: { error, late in
                            logger.warning(
                                "the central is slow to answer heartbeats",
                                metadata: ["central": "\(endpoint)", "error": "\(error)", "late": "\(late)"])
                        })
                }
                group.addTask { try await drainOutbox(central) }
                group.addTask { [telemetry, clock] in
                    try await telemetry.drain(clock: clock) { try await central.reportTelemetry($0).lastSequence }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// The site as the central sees it: its labels, the sum of its nodes' capabilities, and what it holds.
    private func registration() async throws -> ChildRegistration {
        let nodes = calls.registry.children(of: .node).compactMap(\.capabilities)
        let capabilities = NodeCapabilities(
            cpus: nodes.map(\.cpus).reduce(0, +), memoryBytes: nodes.map(\.memoryBytes).reduce(0, +),
            storageBytes: nodes.map(\.storageBytes).reduce(0, +),
            architecture: Set(nodes.map(\.architecture)).count == 1 ? nodes[0].architecture : "",
            runtimes: Array(Set(nodes.flatMap(\.runtimes))).sorted())
        return ChildRegistration(
            kind: .site, id: configuration.siteID, labels: configuration.labels, capabilities: capabilities,
            appliedGenerations: try calls.store.desiredGenerations(), endpoint: await advertised().map { "\($0)" })
    }

    private func sync(_ central: UpstreamClient<MargoClientTransport>) async throws {
        let response = try await central.sync(
            SyncRequest(kind: .site, id: configuration.siteID, appliedGenerations: try calls.store.desiredGenerations())
        )
        for state in response.desiredStates {
            do {
                _ = try calls.accept(state)
            } catch  where error.code != .staleGeneration {
                logger.error(
                    "cannot take a synced state", metadata: ["deployment": "\(state.deployment)", "error": "\(error)"])
            } catch {}
        }
        for removal in response.removals {
            do {
                _ = try calls.remove(removal)
            } catch  where error.code != .staleGeneration {
                logger.error(
                    "cannot take a synced removal",
                    metadata: ["deployment": "\(removal.deployment)", "error": "\(error)"])
            } catch {}
        }
    }

    private func drainOutbox(_ central: UpstreamClient<MargoClientTransport>) async throws {
        while true {
            let pending = try calls.store.pendingReports()
            guard let last = pending.last else {
                await outbox.wait(upTo: .seconds(5), clock: clock)
                try Task.checkCancellation()
                continue
            }
            let reports = AsyncStream<StatusReport> { continuation in
                for report in pending { continuation.yield(report) }
                continuation.finish()
            }
            let acknowledgement = try await central.reportStatus(reports)
            try calls.store.acknowledge(through: acknowledgement.lastSequence)
            if acknowledgement.lastSequence < last.sequence {
                // The central took part of the batch; wait a moment before resending the rest.
                try await clock.sleep(for: .milliseconds(200))
            }
        }
    }
}
