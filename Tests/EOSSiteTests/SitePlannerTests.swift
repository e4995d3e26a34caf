import EOSModel
import EOSSite
import Testing

@Suite("SitePlanner")
struct SitePlannerTests {
    static func node(
        _ id: String, _ labels: [String: String] = [:], memory: Int64 = 1 << 30, _ liveness: NodeLiveness = .ready
    )
        -> SitePlanner.Node
    {
        SitePlanner.Node(
            id: id, labels: labels,
            capabilities: NodeCapabilities(cpus: 2, memoryBytes: memory, storageBytes: 0, architecture: "amd64"),
            liveness: liveness)
    }

    static func state(
        _ name: String, generation: Int64 = 1, placement: Placement = .everyNode, nodes: LabelSelector? = nil,
        wave: [String] = [], maxUnavailable: CountOrPercentage = .count(1)
    ) -> FleetDesiredState {
        var rollout = RolloutPolicy()
        rollout.maxUnavailable = maxUnavailable
        return FleetDesiredState(
            deployment: name, generation: generation,
            spec: FleetDeploymentSpec(
                target: FleetTarget(nodes: nodes), placement: placement,
                workloads: [Workload(name: "w", kind: .process(ProcessSpec(command: ["/bin/true"])))], rollout: rollout),
            nodeIDs: wave)
    }

    static func plan(
        _ desired: [FleetDesiredState], nodes: [SitePlanner.Node], applied: [String: [String: Int64]] = [:],
        placements: [String: Set<String>] = [:], statuses: [NodeDeploymentStatus] = [], removals: [FleetRemoval] = [],
        inFlight: [String: String] = [:]
    ) -> SitePlanner.Plan {
        SitePlanner(
            desired: desired, removals: removals, nodes: nodes, applied: applied, placements: placements,
            statuses: statuses, inFlight: inFlight
        ).plan()
    }

    static func applies(_ plan: SitePlanner.Plan) -> [String] {
        plan.actions.compactMap { if case .apply(let node, _) = $0 { node } else { nil } }.sorted()
    }

    static func removes(_ plan: SitePlanner.Plan) -> [String] {
        plan.actions.compactMap { if case .remove(let node, _) = $0 { node } else { nil } }.sorted()
    }

    @Test("EveryNode targets every matching node, whatever its liveness, and each apply names its node only")
    func everyNode() {
        let nodes = [
            Self.node("a", ["line": "1"]), Self.node("b", ["line": "2"]), Self.node("c", ["line": "1"], .offline),
        ]
        let plan = Self.plan([Self.state("d", nodes: LabelSelector(matchLabels: ["line": "1"]))], nodes: nodes)
        #expect(plan.targets["d"] == ["a", "c"])
        #expect(Self.applies(plan) == ["a", "c"])
        for case .apply(let node, let state) in plan.actions { #expect(state.nodeIDs == [node]) }
    }

    @Test("Replicas spread over the least loaded, largest nodes, skip Offline ones, and move off a node gone Offline")
    func replicas() {
        let nodes = [Self.node("a", memory: 1 << 30), Self.node("b", memory: 4 << 30), Self.node("c", memory: 2 << 30)]
        let first = Self.plan([Self.state("r", placement: .replicas(count: 2, perSite: false))], nodes: nodes)
        #expect(first.targets["r"] == ["b", "c"])
        #expect(first.placements["r"] == ["b", "c"])

        // b goes Offline: its replica moves to a; c keeps its own.
        var moved = nodes
        moved[1].liveness = .offline
        let second = Self.plan(
            [Self.state("r", placement: .replicas(count: 2, perSite: false))], nodes: moved,
            applied: ["b": ["r": 1], "c": ["r": 1]], placements: ["r": ["b", "c"]])
        #expect(second.targets["r"] == ["a", "c"])
        #expect(Self.applies(second) == ["a"])
        #expect(Self.removes(second) == ["b"])

        // A node already busy with another deployment is filled last.
        let busy = Self.plan(
            [Self.state("r", placement: .replicas(count: 1, perSite: false))], nodes: nodes, applied: ["b": ["x": 1]])
        #expect(busy.targets["r"] == ["c"])
    }

    @Test("an update goes to at most maxUnavailable nodes at a time; first installs are not held back")
    func maxUnavailable() {
        let nodes = ["a", "b", "c", "d"].map { Self.node($0) }
        let held: [String: [String: Int64]] = ["a": ["d": 1], "b": ["d": 1], "c": ["d": 1]]
        let update = Self.plan([Self.state("d", generation: 2, maxUnavailable: .count(2))], nodes: nodes, applied: held)
        #expect(Self.applies(update) == ["a", "b", "d"])

        // a took generation 2 and still installs it: one slot is left.
        let installing = NodeDeploymentStatus(
            deployment: "d", observedGeneration: 2, nodeID: "a", state: .installing, observedAt: .now,
            reportedBy: "node/a")
        var installed = installing
        installed.nodeID = "d"
        installed.state = .installed
        let midway = Self.plan(
            [Self.state("d", generation: 2, maxUnavailable: .count(2))], nodes: nodes,
            applied: ["a": ["d": 2], "b": ["d": 1], "c": ["d": 1], "d": ["d": 2]], statuses: [installing, installed])
        #expect(Self.applies(midway).count == 1)
        // A node that took the generation but has not reported on it yet counts as mid-update too.
        let unreported = Self.plan(
            [Self.state("d", generation: 2, maxUnavailable: .count(2))], nodes: nodes,
            applied: ["a": ["d": 2], "b": ["d": 1], "c": ["d": 1], "d": ["d": 2]], statuses: [installing])
        #expect(Self.applies(unreported).isEmpty)
    }

    @Test("a wave touches only the nodes it names; a removed deployment is removed everywhere it is held")
    func wavesAndRemovals() {
        let nodes = ["a", "b", "c"].map { Self.node($0) }
        let wave = Self.plan(
            [Self.state("d", generation: 2, wave: ["a"])], nodes: nodes, applied: ["a": ["d": 1], "b": ["d": 1]])
        #expect(Self.applies(wave) == ["a"])
        #expect(Self.removes(wave).isEmpty)

        let removed = Self.plan(
            [], nodes: nodes, applied: ["a": ["d": 1], "c": ["d": 1]],
            removals: [FleetRemoval(deployment: "d", generation: 2)])
        #expect(Self.removes(removed) == ["a", "c"])
        for case .remove(_, let removal) in removed.actions { #expect(removal.generation == 2) }

        // A node that no longer matches the selector loses the deployment.
        let unmatched = Self.plan(
            [Self.state("d", nodes: LabelSelector(matchLabels: ["zone": "north"]))], nodes: nodes,
            applied: ["a": ["d": 1]])
        #expect(Self.removes(unmatched) == ["a"])
    }

    @Test("a call in progress counts as mid-update and gets no second action; other deployments still plan for it")
    func inFlight() {
        let nodes = ["a", "b", "c"].map { Self.node($0) }
        let held: [String: [String: Int64]] = ["a": ["d": 1], "b": ["d": 1], "c": ["d": 1, "old": 1]]
        let desired = [Self.state("d", generation: 2, maxUnavailable: .count(1)), Self.state("e")]
        // An update of d is on its way to a: with maxUnavailable 1, b and c wait for it.
        let updating = Self.plan(desired, nodes: nodes, applied: held, inFlight: ["a": "d"])
        #expect(!updating.actions.contains { $0.deployment == "d" })
        #expect(updating.actions.filter { $0.deployment == "e" }.map(\.node).sorted() == ["a", "b", "c"])
        // A removal on its way to c is not planned twice; a first install on its way is not planned again.
        let removing = Self.plan(desired, nodes: nodes, applied: held, inFlight: ["c": "old", "b": "e"])
        #expect(
            !removing.actions.contains {
                $0 == .remove(node: "c", removal: FleetRemoval(deployment: "old", generation: 1))
            })
        #expect(removing.actions.filter { $0.deployment == "e" }.map(\.node).sorted() == ["a", "c"])
        #expect(Self.removes(Self.plan(desired, nodes: nodes, applied: held)) == ["c"])
    }
}
