import EOSCentral
import EOSModel
import Foundation
import Testing

@Suite("RolloutPlanner")
struct RolloutPlannerTests {
    static let start = Timestamp(rfc3339: "2026-11-29T10:00:00Z")!

    /// Ten nodes over two sites: s1/n0…n4 and s2/n5…n9.
    static func targets(unreachable: Set<String> = []) -> [RolloutPlanner.Target] {
        (0..<10).map { index in
            let id = "n\(index)"
            return RolloutPlanner.Target(
                nodeID: id, siteID: index < 5 ? "s1" : "s2", liveness: unreachable.contains(id) ? .unknown : .ready)
        }
    }

    static func status(_ node: String, _ state: MargoDeploymentState, generation: Int64 = 2) -> NodeDeploymentStatus {
        NodeDeploymentStatus(
            deployment: "d", observedGeneration: generation, nodeID: node, state: state, observedAt: start,
            reportedBy: "node/\(node)")
    }

    static func planner(
        _ policy: RolloutPolicy, unreachable: Set<String> = [], statuses: [String: MargoDeploymentState] = [:]
    ) -> RolloutPlanner {
        RolloutPlanner(
            policy: policy, targets: targets(unreachable: unreachable),
            statuses: Dictionary(uniqueKeysWithValues: statuses.map { ($0.key, status($0.key, $0.value)) }))
    }

    static func fresh() -> RolloutState {
        RolloutState(deployment: "d", generation: 2, previousGeneration: 1, updatedAt: start)
    }

    static func installed(_ nodes: Set<String>) -> [String: MargoDeploymentState] {
        Dictionary(uniqueKeysWithValues: nodes.map { ($0, .installed) })
    }

    @Test("AllAtOnce releases every node and completes when every reachable one is installed")
    func allAtOnce() {
        let policy = RolloutPolicy(strategy: .allAtOnce)
        let first = Self.planner(policy, unreachable: ["n9"]).advance(Self.fresh(), now: Self.start)
        #expect(first.state.admitted.count == 10)
        #expect(first.state.phase == .progressing)
        let all = Set((0..<9).map { "n\($0)" })
        let done = Self.planner(policy, unreachable: ["n9"], statuses: Self.installed(all))
            .advance(first.state, now: Self.start)
        #expect(done.state.phase == .complete, "an unreachable node is counted apart, not waited for")
        // A node that fails afterwards degrades the deployment; it recovers when the node does.
        var failing = Self.installed(all)
        failing["n3"] = .failed
        let degraded = Self.planner(policy, unreachable: ["n9"], statuses: failing).advance(done.state, now: Self.start)
        #expect(degraded.state.phase == .degraded)
        #expect(!degraded.rollback)
    }

    @Test("Rolling keeps at most maxUnavailable released nodes unsettled, and skips unreachable ones until the end")
    func rolling() {
        let policy = RolloutPolicy(strategy: .rolling, maxUnavailable: .count(3))
        let planner = Self.planner(policy, unreachable: ["n1"])
        let first = planner.advance(Self.fresh(), now: Self.start)
        #expect(first.state.admitted == ["n0", "n2", "n3"])
        #expect(planner.waveCount == 4)
        // Two of them installed: two more slots.
        let second = Self.planner(policy, unreachable: ["n1"], statuses: Self.installed(["n0", "n2"]))
            .advance(first.state, now: Self.start)
        #expect(second.state.admitted == ["n0", "n2", "n3", "n4", "n5"])
        // Everything reachable installed: the unreachable node is released too, and the rollout is complete.
        let reachable = Set((0..<10).map { "n\($0)" }).subtracting(["n1"])
        var state = second.state
        for _ in 0..<5 {
            state =
                Self.planner(policy, unreachable: ["n1"], statuses: Self.installed(reachable))
                .advance(state, now: Self.start).state
        }
        #expect(state.admitted.contains("n1"))
        #expect(state.phase == .complete)
    }

    @Test("Canary waves follow the steps, wait for every released node installed and minReadySeconds")
    func canary() {
        let policy = RolloutPolicy(
            strategy: .canary, steps: [Percentage(10)!, Percentage(50)!, Percentage(100)!], minReadySeconds: 30)
        let first = Self.planner(policy).advance(Self.fresh(), now: Self.start)
        #expect(first.state.admitted == ["n0"])
        #expect(first.state.step == 0)
        // Installed, but not yet for 30 s: the wave holds.
        let ready = Self.planner(policy, statuses: Self.installed(["n0"])).advance(first.state, now: Self.start)
        #expect(ready.state.step == 0)
        #expect(ready.state.readySince == Self.start)
        let later = Self.start.date.addingTimeInterval(31)
        let second = Self.planner(policy, statuses: Self.installed(["n0"]))
            .advance(ready.state, now: Timestamp(later))
        #expect(second.state.step == 1)
        #expect(second.state.admitted == ["n0", "n1", "n2", "n3", "n4"])
        #expect(Self.planner(policy).wave(of: second.state) == 2)
        // A wave whose nodes are all unreachable never counts as ready.
        let silent = Self.planner(policy, unreachable: ["n0"]).advance(first.state, now: Timestamp(later))
        #expect(silent.state.step == 0)
        #expect(silent.state.readySince == nil)
    }

    @Test("failures beyond failureThreshold stop the rollout and ask for a rollback when autoRollback is on")
    func failureThreshold() {
        let policy = RolloutPolicy(
            strategy: .canary, steps: [Percentage(20)!, Percentage(100)!], failureThreshold: Percentage(0)!,
            autoRollback: true)
        let first = Self.planner(policy).advance(Self.fresh(), now: Self.start)
        #expect(first.state.admitted == ["n0", "n1"])
        let failed = Self.planner(policy, statuses: ["n0": .installed, "n1": .failed])
            .advance(first.state, now: Self.start)
        #expect(failed.state.phase == .failed)
        #expect(failed.rollback)
        #expect(failed.state.reason == "1 of 2 released nodes failed generation 2: n1: failed")
        #expect(failed.state.admitted == ["n0", "n1"], "a failed rollout releases nothing more")
        // The reason quotes what the nodes reported.
        var reported = Self.planner(policy, statuses: ["n0": .failed, "n1": .failed])
        reported.statuses["n0"]?.message = "manifest unknown"
        #expect(
            reported.advance(first.state, now: Self.start).state.reason
                == "2 of 2 released nodes failed generation 2: n0: manifest unknown; n1: failed")
        // Stopped: nothing changes any more.
        let after = Self.planner(policy, statuses: Self.installed(["n0", "n1"])).advance(failed.state, now: Self.start)
        #expect(after.state == failed.state)
        #expect(!after.rollback)

        // A threshold of 50%: one failure in two released nodes is allowed. Without autoRollback, no rollback.
        var lenient = policy
        lenient.failureThreshold = Percentage(50)!
        lenient.autoRollback = false
        let tolerated = Self.planner(lenient, statuses: ["n0": .installed, "n1": .failed])
            .advance(first.state, now: Self.start)
        #expect(tolerated.state.phase == .progressing)
        // A failure on an unreachable node is not counted.
        let unheard = Self.planner(policy, unreachable: ["n1"], statuses: ["n0": .installed, "n1": .failed])
            .advance(first.state, now: Self.start)
        #expect(unheard.state.phase == .progressing)
    }

    @Test("a first generation has nothing to roll back to; a rollback releases every node and ends RolledBack")
    func rollbacks() {
        let policy = RolloutPolicy(strategy: .allAtOnce, autoRollback: true)
        var first = Self.fresh()
        first.previousGeneration = nil
        let failed = Self.planner(policy, statuses: ["n0": .failed]).advance(first, now: Self.start)
        #expect(failed.state.phase == .failed)
        #expect(!failed.rollback)

        let canary = RolloutPolicy(strategy: .canary)
        let rollback = RolloutState(deployment: "d", generation: 2, rollbackOf: 1, updatedAt: Self.start)
        let released = Self.planner(canary).advance(rollback, now: Self.start)
        #expect(released.state.admitted.count == 10)
        let all = Set((0..<10).map { "n\($0)" })
        let done = Self.planner(canary, statuses: Self.installed(all)).advance(released.state, now: Self.start)
        #expect(done.state.phase == .rolledBack)
    }

    @Test("a paused rollout releases nothing; a node no longer targeted leaves the released set")
    func pausedAndRetargeted() {
        let policy = RolloutPolicy(strategy: .rolling, maxUnavailable: .count(2))
        var paused = Self.fresh()
        paused.phase = .paused
        paused.pausedFrom = .progressing
        #expect(Self.planner(policy).advance(paused, now: Self.start).state == paused)

        var state = Self.fresh()
        state.admitted = ["gone", "n0"]
        let next = Self.planner(policy).advance(state, now: Self.start)
        #expect(!next.state.admitted.contains("gone"))
        #expect(next.state.admitted == ["n0", "n1"])
        #expect(next.state.updatedAt == Self.start)
    }
}
