import DaemonMeasurement
import EOSKit
import Foundation
import Logging

/// The fleet at scale, from the central's side, in one of three shapes:
///
/// - `--network tls` (the default): `eosd central` (a separate process, so its memory is its own) with S Local
///   Orchestrators of N Edge Nodes each on simulated runtimes in this process, all over loopback mutual TLS.
/// - `--network nodes-in-process`: the same, but each site serves its nodes apart
///   (``LocalOrchestratorConfiguration/nodeListener``) on an in-process network, so 10,000 nodes fit in this process
///   (no descriptors, no TLS between a site and its nodes) while the central stays a real peer over mutual TLS and
///   its own memory and CPU are measured. The nodes and sites are paced as `eosd dev` paces a fleet of that size.
/// - `--network in-process`: the whole fleet in one `eosd dev --network in-process --runtime simulated` process, the
///   tiers talking through memory, so the orchestrators' own work is measured without sockets or TLS; memory and
///   CPU are then the whole fleet's: the central, every site and every node.
///
///     CentralScale --eosd PATH [--network tls|nodes-in-process|in-process] [--sites 10] [--nodes-per-site 100]
///                  [--reports 2000] [--hold SECONDS] [--telemetry-interval SECONDS]
///                  [--data-dir DIR]
///
/// Measures, and prints:
/// 1. the time for every node to be `Ready` at the central;
/// 2. a first install: from `POST /deploy/fleet` to `/status` showing every node installed;
/// 3. an update of every node to a new generation, the same way; after each rollout, how long `GET /status` of the
///    deployment takes, the question an operator's dashboard asks again and again (median and slowest of 20);
/// 4. with the central apart, status intake: every site streams `--reports` reports of 10 statuses of its own nodes
///    at once, on a connection more per site, opened first (the memory they take is printed apart); statuses and
///    reports taken in per second, from the central's own `/metrics` counters;
/// 5. the measured process's resident memory after each step, and its peak, and the bytes of the central's telemetry
///    history (`eos_telemetry_history_bytes`) after each rollout.
///
/// With the central apart, `--hold` waits that many seconds between the update and the status intake, reporting
/// every 30 s, so the central's telemetry history fills to its budget first; `--telemetry-interval` (with
/// `nodes-in-process`) has the sites and nodes collect that often instead of at the pace of `eosd dev`, so it fills
/// sooner.
@main
struct CentralScale {
    static let token = "bench-token"

    static func main() async {
        do {
            try await measure()
        } catch {
            FileHandle.standardError.write(Data("CentralScale: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Off the main actor, where the servers and clients run.
    nonisolated static func measure() async throws {
        let options = try MeasurementOptions(
            CommandLine.arguments.dropFirst(),
            known: ["network", "sites", "nodes-per-site", "reports", "hold", "telemetry-interval", "data-dir"],
            usage: "--eosd PATH [--network tls|nodes-in-process|in-process] [--sites 10] [--nodes-per-site 100] "
                + "[--reports 2000] [--hold SECONDS] [--telemetry-interval SECONDS] [--data-dir DIR]")
        let network = try options.choice("network", of: ["tls", "nodes-in-process", "in-process"], default: "tls")
        let siteCount = try options.positive("sites", default: 10)
        let perSite = try options.positive("nodes-per-site", default: 100)
        let reports = try options.positive("reports", default: 2000)
        let hold = options.text("hold") == nil ? nil : Duration.seconds(try options.positive("hold", default: 1))
        let telemetryInterval =
            options.text("telemetry-interval") == nil
            ? nil : Duration.seconds(try options.positive("telemetry-interval", default: 15))
        let parent = options.text("data-dir").map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let root = parent.appendingPathComponent("eos-central-scale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        if network == "in-process" {
            try await inProcess(eosd: options.eosd, sites: siteCount, perSite: perSite, root: root)
        } else {
            try await centralApart(
                eosd: options.eosd, sites: siteCount, perSite: perSite, reports: reports, hold: hold,
                telemetryInterval: telemetryInterval, root: root, nodesInProcess: network == "nodes-in-process")
        }
    }

    /// The whole fleet in one `eosd dev` process over its in-process network.
    nonisolated static func inProcess(eosd: String, sites siteCount: Int, perSite: Int, root: URL) async throws {
        let total = siteCount * perSite
        let data = root.appendingPathComponent("dev")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let fleet = try DaemonProcess(
            eosd: eosd,
            arguments: [
                "dev", "--sites", "\(siteCount)", "--nodes-per-site", "\(perSite)", "--runtime", "simulated",
                "--network", "in-process", "--http-listen", "127.0.0.1:0", "--dev-token", token, "--data-dir",
                data.path,
            ], log: root.appendingPathComponent("dev.log"))
        defer { fleet.stop() }
        let http = try await fleet.endpoint(following: "REST API   http://")
        let api = CentralHTTP(base: "http://\(http.host):\(http.port)", token: token)
        let probe = Probe(pid: fleet.pid, name: "fleet")
        probe.report("eosd dev --network in-process (pid \(fleet.pid)), \(siteCount) × \(perSite) nodes", nil)
        try await waitUntilReady(api, total: total, probe: probe)
        try await rollouts(api, total: total, probe: probe)
        probe.peak()
    }

    /// `eosd central` apart, the sites and nodes in this process, the sites over loopback mutual TLS; the nodes too,
    /// or, when `nodesInProcess`, on an in-process network of their own with their sites.
    nonisolated static func centralApart(
        eosd: String, sites siteCount: Int, perSite: Int, reports: Int, hold: Duration?, telemetryInterval: Duration?,
        root: URL, nodesInProcess: Bool
    ) async throws {
        let total = siteCount * perSite
        let domain = "scale.example.com"
        let authority = try CertificateAuthority.create(trustDomain: domain)
        let centralTLS = root.appendingPathComponent("central-tls")
        _ = try authority.issue(identity: try SPIFFEIdentity.central(in: domain)).write(to: centralTLS)
        let central = try DaemonProcess(
            eosd: eosd,
            arguments: [
                "central", "--data-dir", root.appendingPathComponent("central").path, "--tls-dir", centralTLS.path,
                "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--dev-token", token,
            ], log: root.appendingPathComponent("central.log"))
        defer { central.stop() }
        let grpc = try await central.endpoint()
        let http = try await central.endpoint(logged: "http")
        let api = CentralHTTP(base: "http://\(http.host):\(http.port)", token: token)
        let probe = Probe(pid: central.pid, name: "central")
        probe.report("eosd central started (pid \(central.pid)), \(siteCount) sites × \(perSite) nodes", nil)

        let quiet = Logger(label: "eos.scale.site") { _ in SwiftLogNoOpLogHandler() }
        let nodeNetwork: MargoNetwork = nodesInProcess ? .inProcess(InProcessNetwork()) : .mutualTLS
        let pacing = DevelopmentFleetConfiguration(
            sites: siteCount, nodesPerSite: perSite, runtime: .simulated, dataDirectory: root,
            heartbeatInterval: .seconds(5)
        ).pacing
        var sites: [LocalOrchestrator] = []
        var siteTLS: [String: TLSMaterial] = [:]
        var fleets: [SimulatedNodes] = []
        for index in 1...siteCount {
            let id = String(format: "site-%03d", index)
            let tls = try await TLSMaterial(authority.issue(identity: try SPIFFEIdentity.site(id, in: domain)))
            siteTLS[id] = tls
            var configuration = LocalOrchestratorConfiguration(
                siteID: id, labels: ["region": index % 2 == 0 ? "east" : "west"],
                dataDirectory: root.appendingPathComponent(id), listen: MargoEndpoint(host: "127.0.0.1", port: 0),
                central: grpc)
            if nodesInProcess {
                configuration.nodeListener = NodeListener(
                    listen: MargoEndpoint(host: id, port: 0), network: nodeNetwork)
                configuration.heartbeatInterval = pacing.heartbeat
                configuration.telemetryInterval = telemetryInterval ?? pacing.telemetry
            }
            sites.append(try LocalOrchestrator(configuration: configuration, tls: tls, logger: quiet))
        }
        try await withThrowingDiscardingTaskGroup { group in
            for site in sites { group.addTask { try await site.run() } }
            for site in sites {
                guard let endpoint = await site.nodeListeningEndpoint else {
                    throw MeasurementError("a site did not listen")
                }
                let nodes = try await SimulatedNodes(
                    count: perSite, prefix: site.configuration.siteID, authority: authority, upstream: endpoint,
                    root: root.appendingPathComponent("nodes-\(site.configuration.siteID)"), network: nodeNetwork
                ) { node in
                    guard nodesInProcess else { return }
                    node.reconcileInterval = pacing.reconcile
                    node.telemetryInterval = telemetryInterval ?? pacing.telemetry
                }
                fleets.append(nodes)
                group.addTask { try await nodes.run() }
            }
            // Reading readiness from /metrics costs the central about 1 KB a node, so with the central apart it is
            // asked once a second.
            try await waitUntilReady(api, total: total, probe: probe, every: max(pollInterval(total), .seconds(1)))
            try await rollouts(api, total: total, probe: probe)
            if let hold { try await self.hold(hold, api, probe: probe) }

            // Status intake at full speed: every site streams reports of its own nodes at once, on a connection of
            // its own beside the site's, opened first so that what connections cost is shown apart.
            try await withThrowingDiscardingTaskGroup { connections in
                var senders: [StatusSender] = []
                for (index, site) in sites.enumerated() {
                    let id = site.configuration.siteID
                    let sender = try StatusSender(
                        site: id, nodes: fleets[index].ids, central: grpc, tls: siteTLS[id]!)
                    connections.addTask { try await sender.client.runConnections() }
                    senders.append(sender)
                }
                try await withThrowingDiscardingTaskGroup { opening in
                    for sender in senders { opening.addTask { try await sender.send(0..<1) } }
                }
                probe.report("status intake: \(siteCount) connections more, one per site, open", nil)
                let statusesBefore = try await api.metric("eos_status_received_total")
                let batchesBefore = try await api.metric("eos_status_batches_total")
                let start = ContinuousClock.now
                try await withThrowingDiscardingTaskGroup { streams in
                    for sender in senders { streams.addTask { try await sender.send(1..<(reports + 1)) } }
                }
                let statuses = try await api.metric("eos_status_received_total") - statusesBefore
                let batches = try await api.metric("eos_status_batches_total") - batchesBefore
                let messages = Double(siteCount * reports)
                let took = ContinuousClock.now - start
                probe.report("status intake: \(siteCount) sites × \(reports) reports of 10 statuses", took)
                say(
                    String(
                        format:
                            "  %.0f reports (%.0f a second), %.0f statuses (%.0f a second), recorded in %.0f batches",
                        messages, messages / took.seconds, statuses, statuses / took.seconds, batches))
                probe.peak()
                if ProcessInfo.processInfo.environment["EOS_SCALE_METRICS"] != nil {
                    say(String(decoding: try await api.get("/metrics"), as: UTF8.self))
                }
                for sender in senders { sender.client.beginGracefulShutdown() }
            }
            group.cancelAll()
        }
    }

    /// Waits until the central counts `total` nodes `Ready`.
    nonisolated static func waitUntilReady(
        _ api: CentralHTTP, total: Int, probe: Probe, every interval: Duration? = nil
    ) async throws {
        let registering = ContinuousClock.now
        while try await api.metric(#"eos_nodes{liveness="Ready"}"#) < Double(total) {
            guard ContinuousClock.now - registering < .seconds(900) else {
                throw MeasurementError("the nodes were not all Ready at the central within 900 s")
            }
            try await Task.sleep(for: interval ?? pollInterval(total))
        }
        probe.report("\(total) nodes Ready at the central", ContinuousClock.now - registering)
    }

    /// Waits `duration`, reporting the central's memory and telemetry history every 30 s.
    nonisolated static func hold(_ duration: Duration, _ api: CentralHTTP, probe: Probe) async throws {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < duration {
            try await Task.sleep(for: min(.seconds(30), duration - (ContinuousClock.now - start)))
            let bytes = try await api.metric("eos_telemetry_history_bytes")
            probe.report(String(format: "holding: telemetry history %.1f MiB", bytes / 1_048_576), nil)
        }
    }

    /// How long to wait between two questions to the central: 20 ms per 1,000 nodes, since `/status` and `/metrics`
    /// count every node, and asking a 10,000-node central fifty times a second would measure the asking.
    nonisolated static func pollInterval(_ total: Int) -> Duration {
        .milliseconds(max(20, total / 50))
    }

    /// A first install and an update of every node, each timed from `POST /deploy/fleet` to `/status` showing
    /// every node installed.
    nonisolated static func rollouts(_ api: CentralHTTP, total: Int, probe: Probe) async throws {
        for generation in [1, 2] {
            let receivedBefore = try await api.metric("eos_status_received_total")
            let start = ContinuousClock.now
            _ = try await api.post("/deploy/fleet", yaml: Self.fleet(generation: generation))
            var shown = start
            while true {
                let status = try await api.status("scale")
                if let status, status.generation == generation, status.nodes.installed == total { break }
                if ContinuousClock.now - shown > .seconds(1), let status {
                    shown = ContinuousClock.now
                    say(String(format: "  %6.1f s: %@", (shown - start).seconds, "\(status.nodes)"))
                }
                guard ContinuousClock.now - start < .seconds(600) else {
                    throw MeasurementError("generation \(generation) was not installed everywhere within 600 s")
                }
                try await Task.sleep(for: pollInterval(total))
            }
            let took = ContinuousClock.now - start
            let received = try await api.metric("eos_status_received_total") - receivedBefore
            probe.report(
                generation == 1
                    ? "POST /deploy/fleet → \(total) installed in /status" : "update → \(total) installed in /status",
                took)
            say(String(format: "  %.0f statuses taken in, %.0f a second", received, received / took.seconds))
            // The telemetry history is far from its budget in a run of minutes: what it holds, to add what the rest
            // of its budget would take (the TelemetryHistory benchmark fills it).
            let historyBytes = try await api.metric("eos_telemetry_history_bytes")
            let series = try await api.metric("eos_telemetry_series")
            say(String(format: "  telemetry history: %.1f MiB in %.0f series", historyBytes / 1_048_576, series))
            try await statusLatency(api)
        }
    }

    /// Times 20 `GET /status` of the deployment, one after another, and prints the median and the slowest.
    nonisolated static func statusLatency(_ api: CentralHTTP) async throws {
        var milliseconds: [Double] = []
        for _ in 0..<20 {
            let asked = ContinuousClock.now
            _ = try await api.status("scale")
            milliseconds.append((ContinuousClock.now - asked).seconds * 1000)
        }
        milliseconds.sort()
        say(String(format: "  GET /status: median %.1f ms, slowest %.1f ms", milliseconds[10], milliseconds[19]))
    }

    /// Prints a line at once, so a run that ends early still shows its figures.
    nonisolated static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// One process workload on every node of every site, all at once.
    nonisolated static func fleet(generation: Int) -> String {
        """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata: {name: scale}
        spec:
          workloads:
            - name: worker
              process: {command: ["/bin/sleep", "\(1000 + generation)"]}
          rollout: {strategy: AllAtOnce}
        """
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
