import DaemonMeasurement
import EOSKit
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// One site at scale: `eosd site` (a separate process, so its memory is its own) with N Edge Nodes on simulated
/// runtimes in this process, and a central stand-in, all over loopback mutual TLS.
///
///     SiteScale --eosd PATH [--nodes 500] [--concurrency 64]
///
/// Measures, and prints:
/// 1. the time for N nodes to register with the site;
/// 2. a first install: from `DeployFleet` at the site to every node reported `installed` at the central;
/// 3. an update of every node to a new generation (maxUnavailable 100%), the same way;
/// 4. the link's return: with the central down, a workload on every node exits and restarts; the time from the
///    central's return to it holding every node's final state;
/// 5. the site's resident memory after each step, and its peak.
@main
struct SiteScale {
    static func main() async {
        do {
            try await measure()
        } catch {
            FileHandle.standardError.write(Data("SiteScale: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Off the main actor, where the servers and clients run.
    nonisolated static func measure() async throws {
        let options = try MeasurementOptions(
            CommandLine.arguments.dropFirst(), known: ["nodes", "concurrency"],
            usage: "--eosd PATH [--nodes 500] [--concurrency 64]")
        let count = try options.positive("nodes", default: 500)
        let concurrency = try options.positive(
            "concurrency", default: LocalOrchestratorConfiguration.defaultApplyConcurrency)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-site-scale-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }

        let domain = "scale.example.com"
        let authority = try CertificateAuthority.create(trustDomain: domain)
        let centralTLS = try await TLSMaterial(authority.issue(identity: try SPIFFEIdentity.central(in: domain)))
        let siteTLS = root.appendingPathComponent("site-tls")
        _ = try authority.issue(identity: try SPIFFEIdentity.site("bench", in: domain)).write(to: siteTLS)
        let nodeIDs = Set((1...count).map { String(format: "edge-%04d", $0) })
        let central = RecordingUpstream(heartbeatInterval: .seconds(1), nodesAttached: { _ in nodeIDs })
        let view = CentralView(central: central)

        try await central.serving(as: centralTLS) { centralEndpoint in
            let site = try DaemonProcess(
                eosd: options.eosd,
                arguments: [
                    "site", "--id", "bench", "--data-dir", root.appendingPathComponent("site").path, "--tls-dir",
                    siteTLS.path, "--grpc-listen", "127.0.0.1:0", "--central", "\(centralEndpoint)",
                    "--apply-concurrency", "\(concurrency)",
                ], log: root.appendingPathComponent("site.log"))
            defer { site.stop() }
            let siteEndpoint = try await site.endpoint()
            let memory = ProcessSampler(pid: site.pid)
            let mebibytes = { (field: String) in
                String(format: "%5.1f", Double((try? memory.memory(field)) ?? 0) / 1024)
            }
            let report = { (step: String, duration: Duration?) in
                let seconds = duration.map { Double($0.components.attoseconds) / 1e18 + Double($0.components.seconds) }
                let time = seconds.map { String(format: "%8.3f s", $0) } ?? "          "
                let padded = step.padding(toLength: 60, withPad: " ", startingAt: 0)
                say(
                    "\(padded) \(time)   site RSS \(mebibytes("VmRSS")) MiB (\(mebibytes("RssAnon")) MiB heap and stacks)"
                )
            }
            report("eosd site started (pid \(site.pid)), \(count) nodes, \(concurrency) applies at once", nil)

            let nodes = try await SimulatedNodes(
                count: count, authority: authority, upstream: siteEndpoint, root: root.appendingPathComponent("nodes"))
            let running = Task { try await nodes.run() }
            defer { running.cancel() }
            let transport = try MargoTransport.client(connectingTo: siteEndpoint, tls: centralTLS)
            try await withGRPCClient(transport: transport) { client in
                let lo = MargoClient(client, policy: MargoCallPolicy(timeout: .seconds(60)))
                let registering = ContinuousClock.now
                while try await lo.siteStatus().nodes.filter({ $0.liveness?.liveness == .ready }).count < count {
                    guard ContinuousClock.now - registering < .seconds(300) else {
                        throw MeasurementError("the nodes did not all register within 300 s")
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                report("\(count) nodes registered", ContinuousClock.now - registering)

                for generation in [Int64(1), 2] {
                    let start = ContinuousClock.now
                    let result = try await lo.deployFleet(Self.fleet(generation: generation, nodes: count))
                    guard result.outcome == .accepted else { throw MeasurementError("the site refused: \(result)") }
                    let took = try await view.waitUntil(
                        "generation \(generation) installed", deployment: "scale", count: count, since: start
                    ) { $0.observedGeneration == generation && $0.state == .installed }
                    report(
                        generation == 1
                            ? "DeployFleet → all installed at the central" : "update → all installed at the central",
                        took)
                }

                // The central goes down; every node's workload exits once and is restarted.
                central.setAvailable(false)
                try await Task.sleep(for: .seconds(3))
                for (_, runtime) in nodes.runtimes { runtime.exit("scale_worker", code: 3) }
                let restarted: @Sendable (NodeDeploymentStatus) -> Bool = { status in
                    status.observedGeneration == 2
                        && status.workloads.first.map { $0.restarts >= 1 && $0.state == .running } == true
                }
                let changing = ContinuousClock.now
                while try await lo.siteStatus().nodes.flatMap(\.deployments).filter(restarted).count < count {
                    guard ContinuousClock.now - changing < .seconds(300) else {
                        throw MeasurementError("the site did not see every restart within 300 s")
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let heardDuringOutage = view.latest(of: "scale").values.filter(restarted).count
                report("central down: every workload restarted, as the site sees it", nil)
                let returned = ContinuousClock.now
                central.setAvailable(true)
                let took = try await view.waitUntil(
                    "final state after the link's return", deployment: "scale", count: count, since: returned, restarted
                )
                report("central back → final state of every node at the central", took)
                if heardDuringOutage > 0 {
                    say("  (\(heardDuringOutage) restarts reached the central before the site noticed it was down)")
                }
                // The site's connections to its nodes close after 30 s without a call.
                try await Task.sleep(for: .seconds(40))
                report("40 s later, quiet", nil)
                say(
                    "site peak RSS \(mebibytes("VmHWM")) MiB; duplicates at the central: \(central.recorded.duplicates)"
                )
            }
        }
    }

    /// Prints a line at once, so a run that ends early still shows its figures.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// One process workload on every node, updated all at once.
    static func fleet(generation: Int64, nodes: Int) -> FleetDesiredState {
        var rollout = RolloutPolicy()
        rollout.maxUnavailable = .count(nodes)
        return FleetDesiredState(
            deployment: "scale", generation: generation,
            spec: FleetDeploymentSpec(
                workloads: [
                    Workload(
                        name: "worker", kind: .process(ProcessSpec(command: ["/bin/sleep", "\(1000 + generation)"])))
                ], rollout: rollout))
    }
}
