import Benchmark
import EOSMargo
import EOSModel
import EOSSecurity
import GRPCCore

/// Margo calls over mutual TLS on loopback: server, client and one HTTP/2 connection set up before measuring.
///
/// Targets (the wire-protocol acceptance item): at least 5,000 unary ApplyDeploy round trips a second and 50,000
/// status-stream messages a second on the 2-core reference machine. A site now sends ApplyDeploy down the stream its
/// node opened (`Upstream.Attach`); those round trips are measured beside the unary ones. Each iteration makes 1,000
/// calls or sends 1,000 statuses; `Calls / s` and `Statuses / s` are the exact rates (the built-in throughput is whole
/// K), the wall clock is per call or status. Server and client share the machine's two cores here. The plaintext HTTP/2
/// and in-process variants take TLS, then the network stack, away, to show what each costs. The echo benchmarks run
/// grpc-swift-2 and its NIO transport alone, with no EOS code in the path: what the gRPC stack EOS is built on gives
/// here, the ceiling of the figures beside them.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 200
    )
    let domain = "fleet.example.com"
    let node = try! SPIFFEIdentity.node("edge-01", in: domain)
    let site = try! SPIFFEIdentity.site("store-0042", in: domain)
    let central = try! SPIFFEIdentity.central(in: domain)

    // An LO rolling a wave out to its nodes bounds its fan-out; 16 in flight is that bound, 64 shows what one
    // connection gives when pushed harder, 1 is the latency floor of a single caller.
    let nodeAuthorization = PeerAuthorization(server: node, parent: site)
    let edgeNode: @Sendable () -> [any RegistrableRPCService] = { [EdgeNodeService(handler: CountingEdgeNode())] }
    for callers in [1, 16, 64] {
        applyDeploys(
            over: .mutualTLS(server: node, client: site, authorization: nodeAuthorization, services: edgeNode),
            named: "mTLS", callers: callers)
    }
    // EdgeClient's standard policy retries UNAVAILABLE by making single-attempt gRPC calls in a loop (gRPC's own
    // retry executor cost an in-process call about an eighth of its CPU); a policy of one attempt shows that the
    // loop costs nothing on the success path.
    applyDeploys(
        over: .mutualTLS(server: node, client: site, authorization: nodeAuthorization, services: edgeNode),
        named: "mTLS single attempt", callers: 16, policy: MargoCallPolicy(maxAttempts: 1))
    applyDeploys(
        over: .plaintext(client: site, authorization: nodeAuthorization, services: edgeNode),
        named: "plaintext HTTP/2", callers: 16)
    applyDeploys(
        over: .inProcess(client: site, authorization: nodeAuthorization, services: edgeNode),
        named: "in-process", callers: 16)
    // The same in-process with one attempt, then without the payload: a removal is two fields, so its round trip
    // is gRPC's call machinery, the deadline and the peer check, with no spec to encode, check and decode; over
    // mTLS, what HTTP/2 and TLS add to that.
    applyDeploys(
        over: .inProcess(client: site, authorization: nodeAuthorization, services: edgeNode),
        named: "in-process single attempt", callers: 16, policy: MargoCallPolicy(maxAttempts: 1))
    removeDeploys(
        over: .inProcess(client: site, authorization: nodeAuthorization, services: edgeNode),
        named: "in-process", callers: 16)
    removeDeploys(
        over: .mutualTLS(server: node, client: site, authorization: nodeAuthorization, services: edgeNode),
        named: "mTLS", callers: 16)

    // The same applies as a site now makes them: down the stream its node opened (Upstream.Attach), over the node's
    // one mutual-TLS connection, instead of as unary calls on a connection the site dials.
    for callers in [1, 16, 64] {
        attachedApplyDeploys(callers: callers)
    }

    // grpc-swift-2 alone, no EOS code in the path: the ceiling of the figures above on this machine. A unary echo of
    // 64 bytes, and a client stream of 64-byte messages.
    let echo: @Sendable () -> [any RegistrableRPCService] = { [EchoService()] }
    let payload = [UInt8](repeating: 7, count: 64)
    for callers in [16, 64] {
        unaryCalls("Echo (grpc-swift-2 alone)", over: .bareMutualTLS(services: echo), named: "mTLS", callers: callers) {
            blackHole(try await $0.echo(payload))
        }
    }
    unaryCalls(
        "Echo (grpc-swift-2 alone)", over: .barePlaintext(services: echo), named: "plaintext HTTP/2", callers: 16
    ) { blackHole(try await $0.echo(payload)) }
    unaryCalls("Echo (grpc-swift-2 alone)", over: .bareInProcess(services: echo), named: "in-process", callers: 16) {
        blackHole(try await $0.echo(payload))
    }
    collectedMessages(over: .bareMutualTLS(services: echo), named: "mTLS", payload: payload)
    collectedMessages(over: .bareInProcess(services: echo), named: "in-process", payload: payload)

    // An LO forwarding its nodes' reports to the CO: each iteration is one ReportStatus call carrying 1,000
    // reports, each about one node's deployment.
    let centralAuthorization = PeerAuthorization(server: central)
    let parent: @Sendable () -> [any RegistrableRPCService] = { [UpstreamService(handler: CountingParent())] }
    reportStatuses(
        over: .mutualTLS(server: central, client: site, authorization: centralAuthorization, services: parent),
        named: "mTLS")
    // The same statuses, ten to a report: what an outbox that drains its backlog into fuller messages would send.
    reportStatuses(
        over: .mutualTLS(server: central, client: site, authorization: centralAuthorization, services: parent),
        named: "mTLS", statusesPerReport: 10)
    reportStatuses(
        over: .plaintext(client: site, authorization: centralAuthorization, services: parent),
        named: "plaintext HTTP/2")
    reportStatuses(
        over: .inProcess(client: site, authorization: centralAuthorization, services: parent),
        named: "in-process")
}

/// Registers unary ApplyDeploy round trips over `connection`, `callers` of them in flight at once.
func applyDeploys<Transport: ClientTransport>(
    over connection: LoopbackConnection<Transport>, named transport: String, callers: Int,
    policy: MargoCallPolicy = .standard
) {
    let desiredState = try! ThroughputPayloads.desiredState()
    unaryCalls("ApplyDeploy", over: connection, named: transport, callers: callers) {
        blackHole(try await EdgeClient($0, policy: policy).applyDeploy(desiredState))
    }
}

/// Registers ApplyDeploy round trips over a node's attach stream, `callers` of them in flight at once.
func attachedApplyDeploys(callers: Int) {
    let desiredState = try! ThroughputPayloads.desiredState()
    let attachment = LoopbackAttachment()
    roundTrips(
        "ApplyDeploy on the attach stream, mTLS", callers: callers,
        setup: { try await attachment.start(handler: CountingEdgeNode()) }, teardown: { try await attachment.stop() }
    ) {
        let child = attachment.child
        return { blackHole(try await child.applyDeploy(desiredState)) }
    }
}

/// Registers unary RemoveDeploy round trips over `connection`, `callers` of them in flight at once.
func removeDeploys<Transport: ClientTransport>(
    over connection: LoopbackConnection<Transport>, named transport: String, callers: Int
) {
    let removal = FleetRemoval(deployment: "vision", generation: 7)
    unaryCalls("RemoveDeploy", over: connection, named: transport, callers: callers) {
        blackHole(try await EdgeClient($0).removeDeploy(removal))
    }
}

/// Registers round trips of one unary `method` over `connection`, `callers` of them in flight at once; `call`
/// makes one.
func unaryCalls<Transport: ClientTransport>(
    _ method: String, over connection: LoopbackConnection<Transport>, named transport: String, callers: Int,
    call: @escaping @Sendable (GRPCClient<Transport>) async throws -> Void
) {
    roundTrips(
        "\(method) unary, \(transport)", callers: callers, setup: { try await connection.start() },
        teardown: { try await connection.stop() }
    ) {
        let client = connection.client
        return { try await call(client) }
    }
}

/// Registers round trips named `name`, `callers` of them in flight at once. Each iteration asks `caller` once for
/// the function that makes one round trip, after `setup` has opened what it calls.
func roundTrips(
    _ name: String, callers: Int, setup: @escaping @Sendable () async throws -> Void,
    teardown: @escaping @Sendable () async throws -> Void,
    caller: @escaping @Sendable () -> @Sendable () async throws -> Void
) {
    let rate = BenchmarkMetric.custom("Calls / s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark(
        "\(name), \(callers) concurrent \(callers == 1 ? "caller" : "callers")",
        // An iteration takes about a second here, so a longer run gathers enough of them to read a spread.
        configuration: .init(metrics: Benchmark.defaultConfiguration.metrics + [rate], maxDuration: .seconds(10)),
        closure: { benchmark in
            let call = caller()
            let calls = benchmark.scaledIterations.count
            let started = ContinuousClock.now
            try await withThrowingTaskGroup { group in
                for first in 0..<callers {
                    group.addTask {
                        for _ in stride(from: first, to: calls, by: callers) { try await call() }
                    }
                }
                try await group.waitForAll()
            }
            benchmark.measurement(rate, perSecond(calls, since: started))
        },
        setup: { try await setup() },
        teardown: { try await teardown() })
}

/// Registers ReportStatus streams over `connection`: an iteration is one call carrying 1,000 statuses,
/// `statusesPerReport` to a message, so throughput counts statuses (messages when there is one per report).
func reportStatuses<Transport: ClientTransport>(
    over connection: LoopbackConnection<Transport>, named transport: String, statusesPerReport: Int = 1
) {
    let status = ThroughputPayloads.nodeStatus()
    let shape = statusesPerReport == 1 ? "1000 reports" : "1000 statuses, \(statusesPerReport) to a report,"
    streamCalls("ReportStatus stream, \(transport), \(shape) a call", counting: "Statuses", over: connection) {
        client, statuses in
        let reports = statuses / statusesPerReport
        let acknowledgement = try await UpstreamClient(client).reportStatus(
            StatusReports(status: status, statusesPerReport: statusesPerReport, count: reports))
        guard acknowledgement.accepted == reports else {
            throw LoopbackFailure(message: "the parent accepted \(acknowledgement.accepted) of \(reports) reports")
        }
    }
}

/// Registers client streams of `payload` over `connection` to ``EchoService``: an iteration is one call of 1,000
/// messages.
func collectedMessages<Transport: ClientTransport>(
    over connection: LoopbackConnection<Transport>, named transport: String, payload: [UInt8]
) {
    streamCalls(
        "Collect stream (grpc-swift-2 alone), \(transport), 1000 messages of \(payload.count) bytes a call",
        counting: "Messages", over: connection
    ) { client, messages in
        let counted = try await client.collect(payload, count: messages)
        guard counted == messages else {
            throw LoopbackFailure(message: "the server counted \(counted) of \(messages) messages")
        }
    }
}

/// Registers one streaming call an iteration over `connection`: `call` sends the iteration's count of items (1,000)
/// and checks that the server took them all; the rate is `items` a second.
func streamCalls<Transport: ClientTransport>(
    _ name: String, counting items: String, over connection: LoopbackConnection<Transport>,
    call: @escaping @Sendable (GRPCClient<Transport>, Int) async throws -> Void
) {
    let rate = BenchmarkMetric.custom("\(items) / s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark(
        name, configuration: .init(metrics: Benchmark.defaultConfiguration.metrics + [rate]),
        closure: { benchmark in
            let count = benchmark.scaledIterations.count
            let started = ContinuousClock.now
            try await call(connection.client, count)
            benchmark.measurement(rate, perSecond(count, since: started))
        },
        setup: { try await connection.start() },
        teardown: { try await connection.stop() })
}

/// `count` events since `start`, as a rate a second.
func perSecond(_ count: Int, since start: ContinuousClock.Instant) -> Int {
    let elapsed = start.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return seconds > 0 ? Int((Double(count) / seconds).rounded()) : 0
}
