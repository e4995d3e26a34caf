import EOSModel
import EOSSecurity
import EOSTesting
import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2
import Logging
import Synchronization
import Testing

@testable import EOSMargo

/// A parent that takes attachments and nothing else of note.
final class AttachingParent: UpstreamHandler {
    let attachments: ChildAttachments?

    init(_ attachments: ChildAttachments?) { self.attachments = attachments }

    func register(_ registration: ChildRegistration, caller: SPIFFEIdentity) async throws -> RegistrationAcceptance {
        RegistrationAcceptance(heartbeatInterval: .seconds(15))
    }

    func heartbeat(_ heartbeat: Heartbeat, caller: SPIFFEIdentity) async throws -> HeartbeatAcknowledgement {
        HeartbeatAcknowledgement(heartbeatInterval: .seconds(15))
    }

    func sync(_ request: SyncRequest, caller: SPIFFEIdentity) async throws -> SyncResponse { SyncResponse() }

    func reportStatus(
        _ reports: any AsyncSequence<StatusReport, any Error> & Sendable, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement { ReportAcknowledgement(lastSequence: 0, accepted: 0) }

    func reportTelemetry(
        _ batches: any AsyncSequence<TelemetryBatch, any Error>, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement { ReportAcknowledgement(lastSequence: 0, accepted: 0) }

    func nodesAttached(toSite siteID: String) async -> Set<String> { [] }
}

/// A node handler whose applies of the deployment `held` wait until released.
final class HoldingEdgeNode: EdgeNodeHandler {
    let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
    let recording = RecordingEdgeNode()

    func applyDeploy(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        if desiredState.deployment == "held" {
            await withCheckedContinuation { continuation in release.withLock { $0 = continuation } }
        }
        return try await recording.applyDeploy(desiredState, caller: caller)
    }

    func removeDeploy(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        try await recording.removeDeploy(removal, caller: caller)
    }

    func nodeStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> NodeStatus {
        try await recording.nodeStatus(deployments: deployments, caller: caller)
    }
}

@Suite("A parent calls its nodes over the nodes' own connections (Upstream.Attach)")
struct AttachTests {
    static let domain = "fleet.example.com"
    static let site = try! SPIFFEIdentity.site("store-0042", in: domain)
    static let node = try! SPIFFEIdentity.node("edge-01", in: domain)

    /// Runs a site's `Upstream` server over mutual TLS on loopback, and a client of it as edge-01 attached with
    /// `handler` under the node's `parent`; hands `body` the site's attachments once edge-01 is attached.
    static func withAttachedNode(
        handler: some EdgeNodeHandler, parent: SPIFFEIdentity, policy: MargoCallPolicy = .standard,
        _ body: (ChildAttachments) async throws -> Void
    ) async throws {
        let authority = try CertificateAuthority.create(trustDomain: domain)
        let attachments = ChildAttachments(policy: policy)
        let server = GRPCServer(
            transport: MargoTransport.server(
                listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0),
                tls: try await EdgeNodeCallTests.material(site, from: authority)),
            services: [UpstreamService(handler: AttachingParent(attachments))],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: site))])
        let nodeTLS = try await EdgeNodeCallTests.material(node, from: authority)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            let address = try #require(try await server.listeningAddress?.ipv4)
            let seen = Mutex<SPIFFEIdentity?>(nil)
            let transport = try MargoTransport.client(
                connectingTo: MargoEndpoint(host: address.host, port: address.port), tls: nodeTLS,
                expecting: .parent(inTrustDomain: domain),
                onServerIdentity: { identity in seen.withLock { $0 = identity } })
            let client = GRPCClient(transport: transport)
            group.addTask { try await client.runConnections() }
            let attached = Task {
                try await UpstreamClient(client).attach(
                    serving: handler, server: { seen.withLock { $0 } },
                    authorization: { PeerAuthorization(server: node, parent: parent) }, logger: Logger(label: "test"))
            }
            try await eventually("edge-01 attached", within: 30) { attachments.child("edge-01") != nil }
            try await body(attachments)
            attached.cancel()
            _ = await attached.result
            client.beginGracefulShutdown()
            server.beginGracefulShutdown()
        }
    }

    @Test("over mutual TLS: applies, removals and status requests reach the node as its parent's calls")
    func callsReachTheNode() async throws {
        let handler = RecordingEdgeNode()
        try await Self.withAttachedNode(handler: handler, parent: Self.site) { attachments in
            let child = try #require(attachments.child("edge-01"))
            #expect(attachments.count == 1)
            let applied = try await child.applyDeploy(EdgeNodeCallTests.desiredState(generation: 2))
            #expect(applied == ApplyResult(outcome: .accepted, generation: 2))
            let again = try await child.applyDeploy(EdgeNodeCallTests.desiredState(generation: 2))
            #expect(again.outcome == .unchanged)
            let status = try await child.nodeStatus(deployments: [])
            #expect(status.deployments.map(\.observedGeneration) == [2])

            // The node's refusal arrives as the EdgeNode service's status would: an older generation is stale.
            let stale = await #expect(throws: MargoError.self) {
                try await child.applyDeploy(EdgeNodeCallTests.desiredState(generation: 1))
            }
            #expect(stale?.code == .staleGeneration)
            #expect(stale?.message.contains("older than the applied 2") == true)

            // Calls in flight together are each answered with their own result.
            let results = try await withThrowingTaskGroup(of: (Int64, ApplyResult).self) { group in
                for generation in Int64(3)...Int64(22) {
                    group.addTask {
                        var state = try EdgeNodeCallTests.desiredState(generation: generation)
                        state.deployment = "app-\(generation)"
                        return (generation, try await child.applyDeploy(state))
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(results.count == 20)
            #expect(results.allSatisfy { $0.value == ApplyResult(outcome: .accepted, generation: $0.key) })

            let removed = try await child.removeDeploy(FleetRemoval(deployment: "hello", generation: 3))
            #expect(removed.outcome == .accepted)
        }
        let state = handler.state.withLock { $0 }
        #expect(state.applied["hello"] == nil)
        #expect(state.applied.count == 20)
        #expect(Set(state.callers) == [Self.site])
    }

    @Test("a node answers only its parent: another site's calls are refused PERMISSION_DENIED")
    func onlyTheParent() async throws {
        let handler = RecordingEdgeNode()
        let other = try SPIFFEIdentity.site("store-0043", in: Self.domain)
        try await Self.withAttachedNode(handler: handler, parent: other) { attachments in
            let child = try #require(attachments.child("edge-01"))
            let refused = await #expect(throws: MargoError.self) {
                try await child.applyDeploy(EdgeNodeCallTests.desiredState(generation: 1))
            }
            #expect(refused?.code == .permissionDenied)
            #expect(refused?.message.contains("only the parent of") == true)
        }
        #expect(handler.state.withLock { $0.callers }.isEmpty)
    }

    @Test(
        "a call the node does not answer in time fails deadlineExceeded, and the stream carries the next")
    func deadlinesAndEnds() async throws {
        let handler = HoldingEdgeNode()
        let policy = MargoCallPolicy(timeout: .seconds(1), maxAttempts: 1)
        try await Self.withAttachedNode(handler: handler, parent: Self.site, policy: policy) { attachments in
            let child = try #require(attachments.child("edge-01"))
            var held = try EdgeNodeCallTests.desiredState(generation: 1)
            held.deployment = "held"
            let late = await #expect(throws: MargoError.self) { try await child.applyDeploy(held) }
            #expect(late?.code == .deadlineExceeded)
            handler.release.withLock { $0?.resume() }
            // The stream still carries the next call. Its answer gets the same short deadline, which a loaded machine
            // can miss, so it is asked until answered.
            try await eventually("the stream carries the next call") {
                (try? await child.applyDeploy(EdgeNodeCallTests.desiredState(generation: 1))) != nil
            }
            // The late call was still carried out by the node, as a call past its deadline may be.
            try await eventually("the held apply done") {
                handler.recording.state.withLock { $0.applied } == ["held": 1, "hello": 1]
            }
        }
    }

    @Test("a stream's end fails the calls waiting on it, and a new attachment replaces the old")
    func endAndReplace() async throws {
        let attachments = ChildAttachments(policy: MargoCallPolicy(timeout: .seconds(60)))
        let (answers, _) = AsyncThrowingStream<Eos_Margo_V1_ChildAnswer, any Error>.makeStream()
        let first = Mutex<AttachedChild?>(nil)
        let holding = Task {
            try await attachments.hold("edge-01", writer: RPCWriter(wrapping: WrittenCalls())) { child in
                first.withLock { $0 = child }
                // Nothing answers: the stream stays open until replaced.
                for try await _ in answers {}
            }
        }
        try await eventually("the first attachment is held", within: 30) { attachments.child("edge-01") != nil }
        let child = try #require(first.withLock { $0 })
        let waiting = Task { try await child.nodeStatus(deployments: []) }
        try await Task.sleep(for: .milliseconds(50))
        let replacing = Task {
            try await attachments.hold("edge-01", writer: RPCWriter(wrapping: WrittenCalls())) { _ in
                try await Task.sleep(for: .seconds(3600))
            }
        }
        let error = await #expect(throws: MargoError.self) { try await waiting.value }
        #expect(error?.code == .unavailable)
        #expect(child.hasEnded)
        try await eventually("the new attachment is held", within: 30) {
            attachments.child("edge-01").map { $0 !== child } ?? false
        }
        let after = await #expect(throws: MargoError.self) {
            try await child.applyDeploy(EdgeNodeCallTests.desiredState(generation: 1))
        }
        #expect(after?.code == .unavailable)
        replacing.cancel()
        holding.cancel()
        _ = await replacing.result
        _ = await holding.result
        #expect(attachments.child("edge-01") == nil)
    }

    /// The calls written down a stream, in memory.
    final class WrittenCalls: RPCWriterProtocol {
        let calls = Mutex<[Eos_Margo_V1_ParentCall]>([])
        func write(_ element: Eos_Margo_V1_ParentCall) async throws { calls.withLock { $0.append(element) } }
        func write(contentsOf elements: some Sequence<Eos_Margo_V1_ParentCall>) async throws {
            for element in elements { try await write(element) }
        }
    }

    /// A stream whose writes never complete, as when the node reads nothing and the connection's window is full.
    final class StalledWriter: RPCWriterProtocol {
        let abandoned = Mutex(0)
        func write(_ element: Eos_Margo_V1_ParentCall) async throws {
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                abandoned.withLock { $0 += 1 }
                throw error
            }
        }
        func write(contentsOf elements: some Sequence<Eos_Margo_V1_ParentCall>) async throws {
            for element in elements { try await write(element) }
        }
    }

    @Test(
        "a call the stream cannot take before its deadline fails deadlineExceeded, and its write is abandoned",
        .timeLimit(.minutes(1)))
    func stalledWrite() async throws {
        let attachments = ChildAttachments(policy: MargoCallPolicy(timeout: .milliseconds(300), maxAttempts: 1))
        let stalled = StalledWriter()
        let (answers, _) = AsyncThrowingStream<Eos_Margo_V1_ChildAnswer, any Error>.makeStream()
        let holding = Task {
            try await attachments.hold("edge-01", writer: RPCWriter(wrapping: stalled)) { child in
                try await child.carry(answers: answers)
            }
        }
        defer { holding.cancel() }
        try await eventually("edge-01 attached", within: 30) { attachments.child("edge-01") != nil }
        let child = try #require(attachments.child("edge-01"))
        let error = await #expect(throws: MargoError.self) { try await child.nodeStatus(deployments: []) }
        #expect(error?.code == .deadlineExceeded)
        try await eventually("the write abandoned", within: 30) { stalled.abandoned.withLock { $0 } == 1 }
        #expect(!child.hasEnded, "the stream still carries later calls")
    }

    @Test(
        "a stream carries a call and its answer, ends when a newer attachment replaces it, and when the node closes",
        .timeLimit(.minutes(1)))
    func carryEnds() async throws {
        let attachments = ChildAttachments(policy: MargoCallPolicy(timeout: .seconds(60)))
        let written = WrittenCalls()
        let (answers, answering) = AsyncThrowingStream<Eos_Margo_V1_ChildAnswer, any Error>.makeStream()
        let first = Task {
            try await attachments.hold("edge-01", writer: RPCWriter(wrapping: written)) { child in
                try await child.carry(answers: answers)
            }
        }
        try await eventually("edge-01 attached", within: 30) { attachments.child("edge-01") != nil }
        let child = try #require(attachments.child("edge-01"))
        let asked = Task { try await child.nodeStatus(deployments: ["hello"]) }
        try await eventually("the call written", within: 30) { written.calls.withLock { $0.count } == 1 }
        let call = try #require(written.calls.withLock { $0.first })
        #expect(call.getNodeStatus.deployments == ["hello"])
        var answer = Eos_Margo_V1_ChildAnswer()
        answer.id = call.id
        answer.getNodeStatus.status.nodeID = "edge-01"
        answering.yield(answer)
        #expect(try await asked.value.nodeID == "edge-01")

        // A newer attachment ends this one's stream, though the node has not closed its side.
        let second = Task {
            try await attachments.hold("edge-01", writer: RPCWriter(wrapping: WrittenCalls())) { child in
                try await child.carry(answers: AsyncThrowingStream { _ in })
            }
        }
        try await first.value
        #expect(child.hasEnded)
        try await eventually("the newer attachment held", within: 30) {
            attachments.child("edge-01").map { $0 !== child } ?? false
        }
        second.cancel()
        _ = await second.result
        #expect(attachments.child("edge-01") == nil)

        // The node closing its side ends a stream as well.
        let (closing, closed) = AsyncThrowingStream<Eos_Margo_V1_ChildAnswer, any Error>.makeStream()
        let third = Task {
            try await attachments.hold("edge-01", writer: RPCWriter(wrapping: WrittenCalls())) { child in
                try await child.carry(answers: closing)
            }
        }
        try await eventually("edge-01 attached again", within: 30) { attachments.child("edge-01") != nil }
        closed.finish()
        try await third.value
        #expect(attachments.child("edge-01") == nil)
    }

    @Test("a parent that takes no attachments answers UNIMPLEMENTED, and the node's attach returns")
    func parentWithoutAttachments() async throws {
        let transport = InProcessTransport()
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: try .central(in: Self.domain)), source: .assumed(Self.node))
        try await withGRPCServer(
            transport: transport.server, services: [UpstreamService(handler: AttachingParent(nil))],
            interceptors: [interceptor]
        ) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                try await UpstreamClient(client).attach(
                    serving: RecordingEdgeNode(), server: { try? .central(in: Self.domain) },
                    authorization: { PeerAuthorization(server: Self.node) }, logger: Logger(label: "test"))
            }
        }
    }

    @Test("over mutual TLS, a parent that takes no attachments answers UNIMPLEMENTED, and the node's attach returns")
    func parentWithoutAttachmentsOverTLS() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let server = GRPCServer(
            transport: MargoTransport.server(
                listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0),
                tls: try await EdgeNodeCallTests.material(Self.site, from: authority)),
            services: [UpstreamService(handler: RecordingUpstream())],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: Self.site))])
        let nodeTLS = try await EdgeNodeCallTests.material(Self.node, from: authority)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            let address = try #require(try await server.listeningAddress?.ipv4)
            let transport = try MargoClientTransport(
                connectingTo: MargoEndpoint(host: address.host, port: address.port), tls: nodeTLS,
                expecting: .parent(inTrustDomain: Self.domain), onServerIdentity: { _ in })
            try await withGRPCClient(transport: transport) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await UpstreamClient(client).attach(
                            serving: RecordingEdgeNode(), server: { Self.site },
                            authorization: { PeerAuthorization(server: Self.node, parent: Self.site) },
                            logger: Logger(label: "test"))
                    }
                    _ = try await UpstreamClient(client).register(ChildRegistration(kind: .node, id: "edge-01"))
                    try await group.waitForAll()
                }
            }
            server.beginGracefulShutdown()
        }
    }

    @Test("only a node attaches: a site is refused PERMISSION_DENIED")
    func siteMayNotAttach() async throws {
        let transport = InProcessTransport()
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: try .central(in: Self.domain)), source: .assumed(Self.site))
        let attachments = ChildAttachments()
        try await withGRPCServer(
            transport: transport.server, services: [UpstreamService(handler: AttachingParent(attachments))],
            interceptors: [interceptor]
        ) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                let error = await #expect(throws: MargoError.self) {
                    try await UpstreamClient(client).attach(
                        serving: RecordingEdgeNode(), server: { nil },
                        authorization: { PeerAuthorization(server: Self.site) }, logger: Logger(label: "test"))
                }
                #expect(error?.message.contains("only a node attaches") == true)
            }
        }
        #expect(attachments.count == 0)
    }
}
