import EOSModel
import Foundation
import Testing

@testable import EOSMargo

@Suite("Status mapping")
struct StatusMappingTests {
    @Test("a node's report survives the wire in every Margo state", arguments: MargoDeploymentState.allCases)
    func nodeDeploymentStatus(state: MargoDeploymentState) throws {
        var status = MappingFixtures.nodeStatus
        status.state = state
        if state == .failed { status.message = "image pull failed: registry.local:5000 refused the connection" }
        try expectRoundTrip(status, encode: { $0.wire }) { (wire) throws(MargoError) in
            try NodeDeploymentStatus(wire: wire)
        }
    }

    @Test("a report without site, workloads or message survives the wire")
    func minimalStatus() throws {
        let status = NodeDeploymentStatus(
            deployment: "hello", observedGeneration: 0, nodeID: "edge-01", state: .pending,
            observedAt: MappingFixtures.observedAt, reportedBy: "site/store-42")
        try expectRoundTrip(status, encode: { $0.wire }) { (wire) throws(MargoError) in
            try NodeDeploymentStatus(wire: wire)
        }
        #expect(!status.wire.hasSiteID)
    }

    @Test("every run state and health survives the wire")
    func workloadStates() throws {
        for state in WorkloadStatus.RunState.allCases {
            for health in WorkloadStatus.Health.allCases {
                let workload = WorkloadStatus(name: "detector", state: state, exitCode: 0, health: health)
                #expect(try WorkloadStatus(wire: workload.wire, at: "workload") == workload)
            }
        }
    }

    @Test("node and site status, with liveness, survive the wire")
    func nodeAndSite() throws {
        let lastSeen = Timestamp(rfc3339: "2026-11-29T09:58:00Z")!
        let nodes = [
            NodeStatus(
                nodeID: "edge-0042-01", liveness: LivenessStatus(liveness: .ready, lastSeen: lastSeen),
                labels: ["line": "2", "zone": "north"],
                capabilities: NodeCapabilities(
                    cpus: 4, memoryBytes: 8 << 30, storageBytes: 64 << 30, architecture: "arm64",
                    runtimes: ["containerd"]),
                deployments: [MappingFixtures.nodeStatus]),
            NodeStatus(
                nodeID: "edge-0042-02",
                liveness: LivenessStatus(liveness: .unknown, since: lastSeen, lastSeen: lastSeen)),
            NodeStatus(nodeID: "edge-0042-03", liveness: LivenessStatus(liveness: .offline)),
        ]
        let site = SiteStatus(siteID: "store-0042", nodes: nodes, observedAt: MappingFixtures.observedAt)
        try expectRoundTrip(site, encode: { $0.wire }) { (wire) throws(MargoError) in try SiteStatus(wire: wire) }
        try expectRoundTrip(site, encode: Eos_Margo_V1_GetSiteStatusResponse.init) { (wire) throws(MargoError) in
            try SiteStatus(wire: wire)
        }
        let own = NodeStatus(nodeID: "edge-0042-01", deployments: [MappingFixtures.nodeStatus])
        try expectRoundTrip(own, encode: Eos_Margo_V1_GetNodeStatusResponse.init) { (wire) throws(MargoError) in
            try NodeStatus(wire: wire)
        }
    }

    @Test("status reports and acknowledgements survive the wire")
    func streams() throws {
        let report = StatusReport(sequence: 41, statuses: [MappingFixtures.nodeStatus, MappingFixtures.nodeStatus])
        try expectRoundTrip(report, encode: { $0.wire }) { (wire) throws(MargoError) in try StatusReport(wire: wire) }
        let acknowledgement = ReportAcknowledgement(lastSequence: 41, accepted: 2)
        try expectRoundTrip(acknowledgement, encode: Eos_Margo_V1_ReportStatusResponse.init) {
            (wire) throws(MargoError) in ReportAcknowledgement(wire: wire)
        }
        try expectRoundTrip(acknowledgement, encode: Eos_Margo_V1_ReportTelemetryResponse.init) {
            (wire) throws(MargoError) in ReportAcknowledgement(wire: wire)
        }
    }

    @Test("any moment of this century survives the wire exactly, as the shortest decimal fraction")
    func timestamps() throws {
        var generator = SystemRandomNumberGenerator()
        var moments = [
            Timestamp(Date(timeIntervalSince1970: 0)), Timestamp(Date(timeIntervalSince1970: -1.5)),
            Timestamp(Date(timeIntervalSinceReferenceDate: 0)), MappingFixtures.observedAt, Timestamp.now,
            Timestamp(rfc3339: "2099-12-31T23:59:59.999Z")!, Timestamp(rfc3339: "2026-03-01T00:00:00.999999Z")!,
        ]
        // 2010 to 2100: a `Date` there is coarser than a nanosecond, so every one reads back exactly.
        for _ in 0..<2000 {
            moments.append(Timestamp(Date(timeIntervalSince1970: Double.random(in: 1.27e9...4.1e9, using: &generator))))
        }
        for moment in moments {
            let wire = moment.wire
            #expect((0..<1_000_000_000).contains(wire.nanos))
            #expect(Timestamp(wire: wire) == moment, "\(moment.date.timeIntervalSinceReferenceDate)")
        }
        #expect(MappingFixtures.observedAt.wire.seconds == 1_795_946_400)
        #expect(MappingFixtures.observedAt.wire.nanos == 123_000_000)
        #expect(Timestamp(rfc3339: "2026-03-01T00:00:00.999999Z")!.wire.nanos == 999_999_000)
        #expect(Timestamp(Date(timeIntervalSince1970: -1.5)).wire == .init(seconds: -2, nanos: 500_000_000))
        // Near 2001-01-01 a `Date` is finer than a nanosecond: the wire keeps the nearest nanosecond.
        let fine = Timestamp(Date(timeIntervalSinceReferenceDate: 1234.567_890_123_4))
        let back = Timestamp(wire: fine.wire)
        #expect(abs(back.date.timeIntervalSince(fine.date)) <= 0.5e-9)
    }
}
