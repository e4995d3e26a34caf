import EOSMargo
import EOSModel
import EOSRuntime
import EOSSecurity
import EOSSite
import EOSTesting
import Foundation
import Testing

@Suite("LocalOrchestrator end to end", .timeLimit(.minutes(5)))
struct LocalOrchestratorTests {
    static func deployment(
        _ name: String, generation: Int64, placement: Placement = .everyNode, nodes: LabelSelector? = nil
    ) -> FleetDesiredState {
        FleetDesiredState(
            deployment: name, generation: generation,
            spec: FleetDeploymentSpec(
                target: FleetTarget(nodes: nodes), placement: placement,
                workloads: [
                    Workload(
                        name: "worker", kind: .process(ProcessSpec(command: ["/bin/sleep", "\(1000 + generation)"])))
                ]))
    }

    /// The latest state the central heard for `deployment` on each node.
    static func latest(_ central: RecordingUpstream, _ deployment: String) -> [String: NodeDeploymentStatus] {
        var latest: [String: NodeDeploymentStatus] = [:]
        for status in central.statuses(of: deployment) { latest[status.nodeID] = status }
        return latest
    }

    @Test("a deployment reaches every matching node; the central hears each node installed, from the site")
    func deployToEveryNode() async throws {
        let fleet = try await SiteTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let central = SiteTestFleet.centralStandIn()
        let runtimes = Dictionary(uniqueKeysWithValues: SiteTestFleet.nodeIDs.map { ($0, SimulatedRuntime()) })
        try await fleet.servingCentral(central) { centralEndpoint in
            try await fleet.withSite(fleet.siteConfiguration(central: centralEndpoint)) { site, siteEndpoint in
                let nodes = try SiteTestFleet.nodeIDs.map { id in
                    try fleet.startNode(
                        id, upstream: siteEndpoint, runtime: runtimes[id]!,
                        labels: ["line": id == "edge-03" ? "2" : "1"])
                }
                defer { nodes.forEach { $0.cancel() } }
                try await eventually("the site registered with the central") {
                    central.recorded.registrations.contains { $0.kind == .site && $0.id == "store-0042" }
                }
                try await eventually("three nodes registered") {
                    site.registry.children(of: .node).count == 3
                }

                let everywhere = Self.deployment("hello", generation: 1)
                let lineOne = Self.deployment(
                    "line-one", generation: 1, nodes: LabelSelector(matchLabels: ["line": "1"]))
                for state in [everywhere, lineOne] {
                    let result = try await fleet.asCentral(of: siteEndpoint) { try await $0.deployFleet(state) }
                    #expect(result.outcome == .accepted)
                }
                try await eventually("hello installed on three nodes, line-one on two") {
                    Self.latest(central, "hello").values.filter { $0.state == .installed }.count == 3
                        && Self.latest(central, "line-one").values.filter { $0.state == .installed }.count == 2
                }
                #expect(Set(Self.latest(central, "line-one").keys) == ["edge-01", "edge-02"])
                #expect(central.recorded.statuses.allSatisfy { $0.siteID == "store-0042" })
                #expect(try await runtimes["edge-03"]!.list().map(\.id) == ["hello_worker"])
                #expect(central.recorded.duplicates == 0)

                // The central asks again: nothing changes. Generation 2 replaces generation 1 on every node; the
                // older generation is then refused.
                let again = try await fleet.asCentral(of: siteEndpoint) { try await $0.deployFleet(everywhere) }
                #expect(again.outcome == .unchanged)
                let second = try await fleet.asCentral(of: siteEndpoint) {
                    try await $0.deployFleet(Self.deployment("hello", generation: 2))
                }
                #expect(second.outcome == .accepted)
                try await eventually("generation 2 installed on three nodes") {
                    Self.latest(central, "hello").values.filter { $0.observedGeneration == 2 && $0.state == .installed }
                        .count == 3
                }
                let stale = await #expect(throws: MargoError.self) {
                    try await fleet.asCentral(of: siteEndpoint) { try await $0.deployFleet(everywhere) }
                }
                #expect(stale?.code == .staleGeneration)

                // Heartbeats every 300 ms make a node Unknown after 0.9 s of silence, which a busy machine can cause
                // for a moment: the site is asked until it sees every node Ready.
                try await eventually("the site sees three nodes Ready") {
                    let status = try await site.status(of: ["hello"])
                    return status.nodes.count == 3 && status.nodes.allSatisfy { $0.liveness?.liveness == .ready }
                }
                let status = try await site.status(of: ["hello"])
                #expect(status.nodes.count == 3)
                #expect(status.nodes.allSatisfy { $0.deployments.first?.state == .installed })
            }
        }
    }

    @Test("a node that took an apply is recorded holding it, so its next heartbeat does not ask it to sync")
    func appliedRecordedOnApply() async throws {
        let fleet = try await SiteTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        var configuration = fleet.siteConfiguration(central: nil)
        // No heartbeat, and so no heartbeat-driven sync, within the test: only the apply can tell the registry.
        configuration.heartbeatInterval = .seconds(120)
        try await fleet.withSite(configuration) { site, siteEndpoint in
            let nodes = try SiteTestFleet.nodeIDs.map { id in
                try fleet.startNode(id, upstream: siteEndpoint, runtime: SimulatedRuntime())
            }
            defer { nodes.forEach { $0.cancel() } }
            try await eventually("three nodes registered") { site.registry.children(of: .node).count == 3 }
            let result = try await fleet.asCentral(of: siteEndpoint) {
                try await $0.deployFleet(Self.deployment("hello", generation: 1))
            }
            #expect(result.outcome == .accepted)
            try await eventually("the registry holds hello 1 on every node") {
                site.registry.children(of: .node).allSatisfy { $0.appliedGenerations == ["hello": 1] }
            }
            try await eventually("hello 1 installed on every node") {
                let status = try await site.status(of: ["hello"])
                return status.nodes.count == 3
                    && status.nodes.allSatisfy {
                        $0.deployments.first?.observedGeneration == 1 && $0.deployments.first?.state == .installed
                    }
            }
        }
    }

    @Test("nodes the site cannot dial (behind NAT) still get their deployments, over the connections they opened")
    func nodesBehindNAT() async throws {
        let fleet = try await SiteTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        var configuration = fleet.siteConfiguration(central: nil)
        // No heartbeat, and so no heartbeat-driven sync, within the test: only the site's calls can deliver.
        configuration.heartbeatInterval = .seconds(120)
        // Where each node says it listens, nothing does: a dialled call is refused.
        let unreachable = MargoEndpoint(host: "127.0.0.1", port: 1)
        let runtimes = Dictionary(uniqueKeysWithValues: SiteTestFleet.nodeIDs.map { ($0, SimulatedRuntime()) })
        try await fleet.withSite(configuration) { site, siteEndpoint in
            let nodes = try SiteTestFleet.nodeIDs.map { id in
                try fleet.startNode(id, upstream: siteEndpoint, runtime: runtimes[id]!, advertise: unreachable)
            }
            defer { nodes.forEach { $0.cancel() } }
            try await eventually("three nodes registered and attached") {
                site.registry.children(of: .node).count == 3 && site.attachedNodes == 3
            }
            #expect(site.registry.children(of: .node).allSatisfy { $0.endpoint == "\(unreachable)" })
            for generation in Int64(1)...2 {
                let result = try await fleet.asCentral(of: siteEndpoint) {
                    try await $0.deployFleet(Self.deployment("hello", generation: generation))
                }
                #expect(result.outcome == .accepted)
                try await eventually("hello \(generation) installed on every node") {
                    let status = try await site.status(of: ["hello"])
                    return status.nodes.count == 3
                        && status.nodes.allSatisfy {
                            $0.deployments.first?.observedGeneration == generation
                                && $0.deployments.first?.state == .installed
                        }
                }
            }
            for (id, runtime) in runtimes {
                #expect(try await runtime.list().map(\.id) == ["hello_worker"], "\(id)")
            }

            // A node that restarts attaches again, and the site calls it on its new connection.
            nodes[0].cancel()
            _ = await nodes[0].result
            try await eventually("edge-01's attachment ended") { site.attachedNodes == 2 }
            let restarted = try fleet.startNode(
                "edge-01", upstream: siteEndpoint, runtime: runtimes["edge-01"]!, advertise: unreachable)
            defer { restarted.cancel() }
            try await eventually("edge-01 attached again") { site.attachedNodes == 3 }
            let removal = try await fleet.asCentral(of: siteEndpoint) {
                try await $0.removeFleet(FleetRemoval(deployment: "hello", generation: 3))
            }
            #expect(removal.outcome == .accepted)
            try await eventually("hello removed from every node") {
                var empty = true
                for runtime in runtimes.values where try await !runtime.list().isEmpty { empty = false }
                return empty
            }
        }
    }

    @Test("nodes served apart: the central over mutual TLS, the nodes in process; a deployment still reaches them")
    func nodesApart() async throws {
        let fleet = try await SiteTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let central = SiteTestFleet.centralStandIn()
        let network = InProcessNetwork()
        let runtimes = Dictionary(uniqueKeysWithValues: SiteTestFleet.nodeIDs.map { ($0, SimulatedRuntime()) })
        var configuration = fleet.siteConfiguration(central: nil)
        try await fleet.servingCentral(central) { centralEndpoint in
            configuration.central = centralEndpoint
            configuration.nodeListener = NodeListener(
                listen: MargoEndpoint(host: "store-0042", port: 0), network: .inProcess(network))
            try await fleet.withSite(configuration) { site, siteEndpoint in
                let nodeEndpoint = try #require(await site.nodeListeningEndpoint)
                #expect(nodeEndpoint.host == "store-0042")
                #expect(network.listeningEndpoints == [nodeEndpoint], "the central's side is not in the network")
                let nodes = try SiteTestFleet.nodeIDs.map { id in
                    try fleet.startNode(
                        id, upstream: nodeEndpoint, runtime: runtimes[id]!, network: .inProcess(network))
                }
                defer { nodes.forEach { $0.cancel() } }
                try await eventually("the site registered with the central, at its TLS endpoint") {
                    central.recorded.registrations.contains {
                        $0.kind == .site && $0.id == "store-0042" && $0.endpoint == "\(siteEndpoint)"
                    }
                }
                try await eventually("three nodes registered in process") {
                    site.registry.children(of: .node).count == 3
                }
                #expect(network.listeningEndpoints.count == 4)

                // The port the central calls serves no Upstream: a node cannot register there.
                let refused = await #expect(throws: MargoError.self) {
                    try await UpstreamIntakeTests.asChild(fleet.nodeTLS["edge-01"]!, at: siteEndpoint) {
                        try await $0.heartbeat(Heartbeat(kind: .node, id: "edge-01", sentAt: Timestamp(Date())))
                    }
                }
                #expect(refused?.code == .unimplemented, "\(String(describing: refused))")

                let result = try await fleet.asCentral(of: siteEndpoint) {
                    try await $0.deployFleet(Self.deployment("hello", generation: 1))
                }
                #expect(result.outcome == .accepted)
                try await eventually("hello installed on three nodes, heard by the central") {
                    Self.latest(central, "hello").values.filter { $0.state == .installed }.count == 3
                }
                #expect(try await runtimes["edge-02"]!.list().map(\.id) == ["hello_worker"])
            }
        }
    }

    /// With the central gone, the site moves a replica off a dead node and re-applies to a node that returns
    /// empty; the central, back, receives the final state of every node.
    @Test("cut off from the central, the site converges by itself; the central then gets the final state")
    func autonomy() async throws {
        let fleet = try await SiteTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        // The central is down from the start, without giving up its port.
        let central = SiteTestFleet.centralStandIn()
        central.setAvailable(false)
        try await fleet.servingCentral(central) { centralEndpoint in
            var runtimes = Dictionary(uniqueKeysWithValues: SiteTestFleet.nodeIDs.map { ($0, SimulatedRuntime()) })
            // Offline after 6 s of silence: 20 heartbeats, which a live node on a busy machine does not miss.
            let configuration = fleet.siteConfiguration(central: centralEndpoint, offlineAfter: .seconds(6))
            try await fleet.withSite(configuration) { site, siteEndpoint in
                var nodes = try Dictionary(
                    uniqueKeysWithValues: SiteTestFleet.nodeIDs.map { id in
                        (id, try fleet.startNode(id, upstream: siteEndpoint, runtime: runtimes[id]!))
                    })
                defer { nodes.values.forEach { $0.cancel() } }
                try await eventually("three nodes registered") {
                    site.registry.children(of: .node).count == 3
                }
                for state in [
                    Self.deployment("everywhere", generation: 1),
                    Self.deployment("single", generation: 1, placement: .replicas(count: 1, perSite: true)),
                ] {
                    let result = try await fleet.asCentral(of: siteEndpoint) { try await $0.deployFleet(state) }
                    #expect(result.outcome == .accepted)
                }
                try await eventually("everything installed, as the site sees it") {
                    let status = try await site.status()
                    let installed = status.nodes.flatMap(\.deployments).filter { $0.state == .installed }
                    return installed.count == 4
                }
                let placed = try await site.status(of: ["single"]).nodes.first { !$0.deployments.isEmpty }
                let host = try #require(placed?.nodeID)

                // The node hosting the replica dies for good: once Offline, the replica moves.
                // Awaited: a node still stopping on a busy machine could otherwise be heard once more.
                nodes[host]?.cancel()
                _ = await nodes[host]?.result
                nodes[host] = nil
                try await eventually("the dead node Offline and the replica moved") {
                    let status = try await site.status(of: ["single"])
                    return site.registry.liveness(kind: .node, id: host, at: .now)?.liveness == .offline
                        && status.nodes.contains { $0.nodeID != host && $0.deployments.first?.state == .installed }
                }

                // Another node restarts with an empty runtime and an empty store: the site applies to it again.
                let other = try #require(SiteTestFleet.nodeIDs.first { $0 != host && nodes[$0] != nil })
                nodes[other]?.cancel()
                _ = await nodes[other]?.result
                try? FileManager.default.removeItem(at: fleet.root.appendingPathComponent(other))
                runtimes[other] = SimulatedRuntime()
                nodes[other] = try fleet.startNode(other, upstream: siteEndpoint, runtime: runtimes[other]!)
                try await eventually("the restarted node runs everywhere again") {
                    try await runtimes[other]!.list().contains { $0.id == "everywhere_worker" && $0.state == .running }
                }
                // A workload on the third node exits: the node restarts it, and the site queues the change.
                let third = try #require(SiteTestFleet.nodeIDs.first { $0 != host && $0 != other })
                runtimes[third]!.exit("everywhere_worker", code: 3)
                try await eventually("the site heard of the restart") {
                    let status = try await site.status(of: ["everywhere"]).nodes.first { $0.nodeID == third }
                    return (status?.deployments.first?.workloads.first?.restarts ?? 0) >= 1
                }
                let queued = try site.store.pendingCount()
                #expect(queued > 0)

                // The central returns: the site registers and flushes its outbox, and the central ends up with the
                // site's own final view of every node, each node's reports in the order they were made.
                central.setAvailable(true)
                try await eventually("the central holds the site's final state") {
                    let final = try await site.status().nodes.flatMap(\.deployments)
                    let heard = central.recorded.statuses
                    return try site.store.pendingCount() == 0
                        && final.allSatisfy { status in
                            heard.last { $0.nodeID == status.nodeID && $0.deployment == status.deployment } == status
                        }
                }
                let heard = central.recorded.statuses
                for node in SiteTestFleet.nodeIDs {
                    for deployment in ["everywhere", "single"] {
                        let times = heard.filter { $0.nodeID == node && $0.deployment == deployment }.map(\.observedAt)
                        #expect(times == times.sorted(), "\(node)/\(deployment) arrived out of order")
                    }
                }
                let everywhere = Self.latest(central, "everywhere")
                #expect(everywhere[other]?.state == .installed)
                #expect((everywhere[third]?.workloads.first?.restarts ?? 0) >= 1)
                // The dead node's last word stands (the central judges it by the site's liveness); the replica runs on
                // another node.
                let single = Self.latest(central, "single").filter { $0.value.state == .installed }
                #expect(single.keys.contains { $0 != host })
                #expect(central.recorded.duplicates == 0)
                #expect(central.recorded.registrations.contains { $0.kind == .site })
            }
        }
    }
}
