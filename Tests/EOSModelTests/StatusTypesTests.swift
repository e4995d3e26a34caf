import Foundation
import Testing

@testable import EOSModel

@Suite("Status types shared by every tier")
struct StatusTypesTests {
    static let t0 = Timestamp(Date(timeIntervalSince1970: 1_795_000_000))

    static func report(
        _ state: MargoDeploymentState, generation: Int64 = 3, node: String = "edge-01", at offset: TimeInterval = 0
    ) -> NodeDeploymentStatus {
        NodeDeploymentStatus(
            deployment: "vision-pipeline", observedGeneration: generation, nodeID: node, siteID: "store-0042",
            state: state,
            workloads: [WorkloadStatus(name: "detector", state: .running, restarts: 1, health: .healthy)],
            observedAt: Timestamp(t0.date.addingTimeInterval(offset)), reportedBy: "node/\(node)")
    }

    @Test("the summary encodes to the shape GET /status/{name} promises")
    func summaryShape() throws {
        var counts = RolloutCounts()
        counts.add(Self.report(.installed), generation: 3, liveness: .ready)
        counts.add(Self.report(.installing), generation: 3, liveness: .ready)
        counts.add(Self.report(.failed), generation: 3, liveness: .ready)
        counts.add(Self.report(.installed, generation: 2), generation: 3, liveness: .ready)
        counts.add(nil, generation: 3, liveness: .ready)
        counts.add(Self.report(.installed), generation: 3, liveness: .unknown)
        let summary = DeploymentStatusSummary(
            name: "vision-pipeline", generation: 3, phase: .progressing, nodes: counts,
            rollout: .init(strategy: .canary, step: 2, steps: 3),
            sites: [SiteRollup(id: "store-0042", counts: counts, observedAt: Self.t0)], updatedAt: Self.t0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any])
        #expect(object["name"] as? String == "vision-pipeline")
        #expect(object["generation"] as? Int == 3)
        #expect(object["phase"] as? String == "Progressing")
        let nodes = try #require(object["nodes"] as? [String: Int])
        #expect(
            nodes == [
                "targeted": 6, "installed": 1, "installing": 1, "pending": 2, "failed": 1, "unreachable": 1,
            ])
        let rollout = try #require(object["rollout"] as? [String: Any])
        #expect(rollout["strategy"] as? String == "Canary")
        #expect(rollout["step"] as? Int == 2)
        #expect(rollout["steps"] as? Int == 3)
        let site = try #require((object["sites"] as? [[String: Any]])?.first)
        #expect(site["id"] as? String == "store-0042")
        #expect(site["targeted"] as? Int == 6)
        #expect(site["observedAt"] as? String == "2026-11-18T11:06:40.000Z")
        #expect(object["updatedAt"] as? String == "2026-11-18T11:06:40.000Z")
        #expect(object["nodeStatuses"] == nil)
        #expect(try JSONDecoder().decode(DeploymentStatusSummary.self, from: JSONEncoder().encode(summary)) == summary)
    }

    @Test("a node that is not Ready counts as unreachable, never as installed or failed")
    func unreachableIsApart() {
        var counts = RolloutCounts()
        counts.add(Self.report(.installed), generation: 3, liveness: .unknown)
        counts.add(Self.report(.failed), generation: 3, liveness: .offline)
        #expect(counts == RolloutCounts(targeted: 2, unreachable: 2))
        #expect(counts + counts == RolloutCounts(targeted: 4, unreachable: 4))
    }

    @Test("liveness: Ready, then Unknown since the last report after three intervals, then Offline")
    func liveness() throws {
        let policy = LivenessPolicy(heartbeatInterval: .seconds(10), offlineAfter: .seconds(120))
        func at(_ seconds: TimeInterval) -> Timestamp { Timestamp(Self.t0.date.addingTimeInterval(seconds)) }
        #expect(policy.evaluate(lastSeen: Self.t0, now: at(29.9)).liveness == .ready)
        let unknown = policy.evaluate(lastSeen: Self.t0, now: at(30))
        #expect(unknown == LivenessStatus(liveness: .unknown, since: Self.t0, lastSeen: Self.t0))
        #expect(policy.evaluate(lastSeen: Self.t0, now: at(119)).liveness == .unknown)
        let offline = policy.evaluate(lastSeen: Self.t0, now: at(120))
        #expect(offline.liveness == .offline)
        #expect(offline.since == at(120))
        #expect(offline.lastSeen == Self.t0)
        #expect(policy.evaluate(lastSeen: nil, now: at(0)).liveness == .unknown)
    }

    @Test("a newer generation always supersedes; within a generation the later observation does")
    func supersedes() {
        let old = Self.report(.installed, generation: 2, at: 100)
        let new = Self.report(.installing, generation: 3, at: 0)
        #expect(new.supersedes(old))
        #expect(!old.supersedes(new))
        #expect(Self.report(.installed, at: 5).supersedes(Self.report(.installing, at: 1)))
        #expect(!Self.report(.installing, at: 1).supersedes(Self.report(.installed, at: 5)))
    }

    @Test("timestamps read RFC 3339 with or without fractions and refuse anything else")
    func timestamps() throws {
        #expect(Timestamp(rfc3339: "2026-11-29T10:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2026-11-29T10:00:00.250Z")?.description == "2026-11-29T10:00:00.250Z")
        #expect(Timestamp(rfc3339: "yesterday") == nil)
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Timestamp].self, from: Data(#"["soon"]"#.utf8))
        }
        #expect("\(String(describing: error))".contains("RFC 3339"))
    }

    @Test("workload and node reports round-trip through JSON")
    func reportRoundTrip() throws {
        var report = Self.report(.failed)
        report.workloads = [
            WorkloadStatus(
                name: "detector", state: .exited, exitCode: 137, restarts: 4, health: .unhealthy, startedAt: Self.t0,
                message: "OOM killed")
        ]
        report.message = "detector exited with code 137"
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(NodeDeploymentStatus.self, from: data) == report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["state"] as? String == "failed")
        #expect((object["workloads"] as? [[String: Any]])?.first?["state"] as? String == "exited")
    }
}
