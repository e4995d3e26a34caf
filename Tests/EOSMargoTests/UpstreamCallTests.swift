import EOSModel
import EOSSecurity
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Synchronization
import Testing

@testable import EOSMargo

/// A parent that records registrations and reports, with one node attached to site store-0042.
final class RecordingParent: UpstreamHandler {
    let registered = Mutex<[String]>([])
    let reported = Mutex<[UInt64]>([])

    func register(_ registration: ChildRegistration, caller: SPIFFEIdentity) async throws -> RegistrationAcceptance {
        registered.withLock { $0.append(registration.id) }
        return RegistrationAcceptance(heartbeatInterval: .seconds(15), desiredGenerations: ["hello": 3])
    }

    func heartbeat(_ heartbeat: Heartbeat, caller: SPIFFEIdentity) async throws -> HeartbeatAcknowledgement {
        HeartbeatAcknowledgement(heartbeatInterval: .seconds(15))
    }

    func sync(_ request: SyncRequest, caller: SPIFFEIdentity) async throws -> SyncResponse { SyncResponse() }

    func reportStatus(
        _ reports: any AsyncSequence<StatusReport, any Error> & Sendable, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        var last: UInt64 = 0
        var count: UInt64 = 0
        for try await report in reports {
            reported.withLock { $0.append(report.sequence) }
            last = report.sequence
            count += 1
        }
        return ReportAcknowledgement(lastSequence: last, accepted: count)
    }

    func reportTelemetry(
        _ batches: any AsyncSequence<TelemetryBatch, any Error>, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        var count: UInt64 = 0
        for try await _ in batches { count += 1 }
        return ReportAcknowledgement(lastSequence: count, accepted: count)
    }

    func nodesAttached(toSite siteID: String) async -> Set<String> { siteID == "store-0042" ? ["edge-01"] : [] }
}

@Suite("Upstream calls end to end")
struct UpstreamCallTests {
    static let domain = "fleet.example.com"

    /// Runs `body` with a client (calling with `policy`) whose calls the central parent sees as coming from `caller`.
    static func withParent(
        _ handler: some UpstreamHandler, caller: SPIFFEIdentity, policy: MargoCallPolicy = .patient,
        _ body: @Sendable (UpstreamClient<InProcessTransport.Client>) async throws -> Void
    ) async throws {
        let central = try SPIFFEIdentity.central(in: domain)
        let transport = InProcessTransport()
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: central), source: .assumed(caller))
        try await withGRPCServer(
            transport: transport.server, services: [UpstreamService(handler: handler)], interceptors: [interceptor]
        ) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                try await body(UpstreamClient(client, policy: policy))
            }
        }
    }

    static func report(_ sequence: UInt64, node: String) -> StatusReport {
        StatusReport(
            sequence: sequence,
            statuses: [
                NodeDeploymentStatus(
                    deployment: "hello", observedGeneration: 3, nodeID: node, state: .installed,
                    observedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_000)), reportedBy: "site/store-0042")
            ])
    }

    @Test("a node registers as itself and gets the interval and desired generations; as another node it is refused")
    func registration() async throws {
        let parent = RecordingParent()
        try await Self.withParent(parent, caller: try .node("edge-01", in: Self.domain)) { upstream in
            let acceptance = try await upstream.register(ChildRegistration(kind: .node, id: "edge-01"))
            #expect(acceptance.heartbeatInterval == .seconds(15))
            #expect(acceptance.desiredGenerations == ["hello": 3])
            let error = await #expect(throws: MargoError.self) {
                try await upstream.register(ChildRegistration(kind: .node, id: "edge-02"))
            }
            #expect(error?.code == .permissionDenied)
        }
        #expect(parent.registered.withLock { $0 } == ["edge-01"])
    }

    @Test("a site streams reports for its own nodes in order; a report about a node it does not hold is refused")
    func statusStream() async throws {
        let parent = RecordingParent()
        try await Self.withParent(parent, caller: try .site("store-0042", in: Self.domain)) { upstream in
            let reports = [Self.report(1, node: "edge-01"), Self.report(2, node: "edge-01")]
            let acknowledgement = try await upstream.reportStatus(reports.async)
            #expect(acknowledgement == ReportAcknowledgement(lastSequence: 2, accepted: 2))
            let error = await #expect(throws: MargoError.self) {
                try await upstream.reportStatus([Self.report(3, node: "edge-07")].async)
            }
            #expect(error?.code == .permissionDenied)
        }
        #expect(parent.reported.withLock { $0 } == [1, 2])
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence, for streaming calls in tests.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
