import EOSKit
import EOSTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// Telemetry from the edge to the central over the real tiers: nodes and sites on loopback mutual TLS, the agents
/// collecting at a short interval, the central answering over its REST API and Prometheus `/metrics`.
@Suite("Telemetry end to end", .timeLimit(.minutes(8)))
struct TelemetryAcceptanceTests {
    static let token = "telemetry-token"
    static let interval = Duration.seconds(3)

    static func headers() -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        return headers
    }

    static func memorySeries(_ metrics: NodeMetrics?) -> MetricSeries? {
        metrics?.series.first { $0.name == "eos_host_memory_total_bytes" }
    }

    /// Runs `fleet`'s sites against a central keeping telemetry in `gateway`, which `body` can stop (the sites are
    /// then cut off) and start again on the same port with the same stores and gateway.
    static func withStoppableCentral(
        _ fleet: CentralTestFleet, gateway: TelemetryGateway,
        _ body: (
            _ sites: [LocalOrchestrator], _ stop: () async -> Void, _ restart: () async throws -> CentralOrchestrator
        )
            async throws -> Void
    ) async throws {
        let tls = try await fleet.tls(try SPIFFEIdentity.central(in: CentralTestFleet.domain))
        try await withThrowingTaskGroup(of: Void.self) { group in
            let first = try CentralOrchestrator(
                configuration: fleet.centralConfiguration(), tls: tls, logger: Logger(label: "test.central"),
                telemetry: gateway)
            let running = Task { try await first.run() }
            let endpoint = try #require(await first.listeningEndpoint)
            let sites = try await fleet.startSites(in: &group, central: endpoint)
            try await body(
                sites,
                {
                    running.cancel()
                    _ = await running.result
                },
                {
                    let second = try CentralOrchestrator(
                        configuration: fleet.centralConfiguration(port: endpoint.port), tls: tls,
                        logger: Logger(label: "test.central"), telemetry: gateway)
                    group.addTask { try await second.run() }
                    return second
                })
            running.cancel()
            group.cancelAll()
        }
    }

    @Test("EN host metrics reach the central's REST API and /metrics as they are taken, and promtool accepts it")
    func hostMetricsReachTheCentral() async throws {
        var fleet = try CentralTestFleet()
        fleet.telemetryInterval = Self.interval
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        try await fleet.run { central in
            let app = CentralAPI(central: central, token: Self.token).application(host: "127.0.0.1", port: 0)
            try await app.test(.live) { client in
                let node = "site-a-node-1"
                func fetch() async throws -> NodeMetrics? {
                    try await client.execute(uri: "/nodes/\(node)/metrics", method: .get, headers: Self.headers()) {
                        $0.status == .ok ? try JSONDecoder().decode(NodeMetrics.self, from: Data(buffer: $0.body)) : nil
                    }
                }
                try await eventually("the node's first samples at the central") {
                    try await Self.memorySeries(fetch())?.latest != nil
                }
                // A sample taken from now on arrives: two intervals on an idle machine; the bound is for a busy one.
                let asked = Date()
                try await eventually("a sample taken after \(asked)", within: 20) {
                    try await Self.memorySeries(fetch())?.latest.map { $0.timestamp.date > asked } ?? false
                }
                let metrics = try #require(try await fetch())
                #expect(metrics.site == "site-a")
                let names = Set(metrics.series.map(\.name))
                for name in [
                    "eos_host_cpu_cores", "eos_host_memory_available_bytes", "eos_host_filesystem_free_bytes",
                    "eos_host_load1",
                ] {
                    #expect(names.contains(name), "\(name) is reported")
                }
                let cores = try #require(metrics.series.first { $0.name == "eos_host_cpu_cores" }?.latest?.value)
                #expect(cores == Double(ProcessInfo.processInfo.activeProcessorCount))

                // The site's rollup adds its three nodes' memory; its own LO reports too.
                try await client.execute(uri: "/sites/site-a/metrics", method: .get, headers: Self.headers()) {
                    response in
                    #expect(response.status == .ok)
                    let site = try JSONDecoder().decode(SiteMetrics.self, from: Data(buffer: response.body))
                    #expect(site.nodes == CentralTestFleet.nodes(of: "site-a"))
                    #expect(site.localOrchestrator.contains { $0.name == "eos_host_memory_total_bytes" })
                    #expect(site.series.contains { $0.name == "eos_host_memory_total_bytes" })
                }
                try await client.execute(
                    uri: "/nodes/\(node)/metrics?since=yesterday", method: .get, headers: Self.headers()
                ) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("since"))
                }
                try await client.execute(uri: "/nodes/nobody/metrics", method: .get, headers: Self.headers()) {
                    #expect($0.status == .notFound)
                }

                let exposition = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                #expect(exposition.contains("eos_host_memory_total_bytes{site=\"site-a\",node=\"\(node)\"} "))
                #expect(exposition.contains("eos_host_memory_total_bytes{site=\"site-b\"} "))
                #expect(exposition.contains("eos_telemetry_dropped_samples_total{site=\"site-a\"} 0\n"))
                #expect(exposition.contains("# TYPE eos_http_requests_total counter"))
                if Promtool.path != nil || Promtool.required {
                    let (status, output) = try await Promtool.check(exposition)
                    #expect(status == 0, "promtool check metrics: \(output)")
                    #expect(output.isEmpty, "promtool has no complaint: \(output)")
                } else {
                    print("promtool check skipped: \(Promtool.unavailableReason ?? "")")
                }

                let query =
                    #"{"query": "{ node(id: \"site-a-node-1\") { metrics(names: [\"eos_host_cpu_cores\"]) { name kind latest { value } } } site(id: \"site-a\") { metrics(names: [\"eos_host_cpu_cores\"]) { latest { value } } } }"}"#
                var headers = Self.headers()
                headers[.contentType] = "application/json"
                let siteCores = 3 * ProcessInfo.processInfo.activeProcessorCount
                var answer: (status: HTTPResponse.Status, body: String) = (.ok, "")
                // The site's rollup counts a node once its first samples arrive: the other two nodes of site-a may
                // report after the one waited for above.
                try await eventually("the site's rollup over its three nodes, by GraphQL", within: 30) {
                    answer = try await client.execute(
                        uri: "/graphql", method: .post, headers: headers, body: ByteBuffer(string: query)
                    ) { ($0.status, String(buffer: $0.body)) }
                    return answer.body.contains(#""value":\#(Double(siteCores))"#)
                        || answer.body.contains(#""value":\#(siteCores)"#)
                }
                #expect(answer.status == .ok)
                #expect(answer.body.contains(#""name":"eos_host_cpu_cores""#), "\(answer.body)")
                #expect(answer.body.contains(#""kind":"gauge""#), "\(answer.body)")
            }
        }
    }

    @Test("a site cut off from the central for two minutes leaves no gap in the central's history")
    func outageLeavesNoGap() async throws {
        var fleet = try CentralTestFleet()
        fleet.telemetryInterval = Self.interval
        let node = "site-b-node-2"
        let collections = CollectionCounter()
        fleet.nodeTelemetrySources = [node: [collections]]
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let gateway = TelemetryGateway()
        func counted() -> [MetricSeries.Sample] {
            gateway.nodeMetrics(node)?.series.first { $0.name == CollectionCounter.name }?.samples ?? []
        }
        try await Self.withStoppableCentral(fleet, gateway: gateway) { sites, stop, restart in
            try await eventually("samples from \(node)") { counted().count >= 2 }

            // The central goes away: the sites keep collecting and queue what they cannot send.
            await stop()
            let cutOff = Date()
            let countAtCutOff = collections.count
            try await Task.sleep(for: .seconds(120))
            let site = try #require(sites.first { $0.configuration.siteID == "site-b" })
            #expect(site.telemetry.statistics.queuedBatches > 10)
            // Collections run late on a busy machine, never more than an interval: 30 or more in two minutes.
            #expect(collections.count - countAtCutOff >= 30)

            // It returns on the same port with the telemetry it held: the sites deliver their backlog in order.
            let restarted = Date()
            _ = try await restart()
            try await eventually("the backlog delivered, and a sample taken since the central returned") {
                site.telemetry.statistics.queuedBatches == 0
                    && (counted().last?.timestamp.date ?? .distantPast) > restarted
            }
            // Every collection the node made reached the central, each once and in order: the counts it stamped run
            // without a gap from the first sample the central holds to the last.
            let samples = counted()
            let numbers = samples.map { Int($0.value) }
            let first = try #require(numbers.first)
            #expect(numbers == Array(first..<first + numbers.count), "collections \(numbers)")
            #expect(try #require(samples.first?.timestamp.date) < cutOff.addingTimeInterval(-2))
            #expect(try #require(samples.last?.timestamp.date) > cutOff.addingTimeInterval(118))
            // The host's series of the same collections arrived with them.
            let memory = try #require(Self.memorySeries(gateway.nodeMetrics(node))?.samples)
            #expect(Set(samples.map(\.timestamp)).isSubset(of: memory.map(\.timestamp)))
            #expect(gateway.siteMetrics("site-b")?.droppedSamples == 0)
        }
    }

    @Test("when a site's queue overflows during an outage, the central counts and reports the samples lost")
    func overflowIsReported() async throws {
        var fleet = try CentralTestFleet()
        fleet.telemetryInterval = .seconds(1)
        fleet.siteTelemetryBuffer = 200
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let gateway = TelemetryGateway()
        try await Self.withStoppableCentral(fleet, gateway: gateway) { sites, stop, restart in
            try await eventually("both sites report") {
                gateway.siteMetrics("site-a") != nil && gateway.siteMetrics("site-b") != nil
            }
            await stop()
            let site = try #require(sites.first { $0.configuration.siteID == "site-a" })
            // Four agents' samples every second against room for 200: the site must drop.
            try await eventually("the site's queue overflows") { site.telemetry.statistics.droppedSamples > 100 }

            let second = try await restart()
            try await eventually("the drops reported") {
                site.telemetry.statistics.queuedBatches <= 2 && (gateway.siteMetrics("site-a")?.droppedSamples ?? 0) > 0
            }
            let dropped = site.telemetry.statistics.droppedSamples
            try await eventually("every drop counted at the central") {
                gateway.siteMetrics("site-a")?.droppedSamples == site.telemetry.statistics.droppedSamples
            }
            #expect(dropped > 100)
            let exposition = try await second.metrics.exposition(of: second)
            let line = try #require(
                exposition.split(separator: "\n").first {
                    $0.hasPrefix("eos_telemetry_dropped_samples_total{site=\"site-a\"}")
                })
            #expect((Double(line.split(separator: " ").last ?? "") ?? 0) >= Double(dropped))
        }
    }

    @Test(
        "the central forwards every site's telemetry to an OpenTelemetry collector",
        .enabled(
            if: OTLPTestReceiver.available || OTLPTestReceiver.required,
            "\(OTLPTestReceiver.unavailableReason ?? "")"))
    func forwardsToCollector() async throws {
        try await OTLPTestReceiver.with { receiver in
            var fleet = try CentralTestFleet()
            fleet.telemetryInterval = Self.interval
            fleet.centralOTLP = receiver.endpoint
            defer { try? FileManager.default.removeItem(at: fleet.root) }
            try await fleet.run { central in
                try await eventually("every node's memory at the collector") {
                    let nodes = try await receiver.metrics().filter { $0.metric == "eos_host_memory_total_bytes" }
                        .compactMap { $0.attributes["node"]?.description }
                    return Set(nodes) == Set(CentralTestFleet.allNodes)
                }
                let point = try #require(
                    try await receiver.metrics().first {
                        $0.metric == "eos_host_memory_total_bytes" && $0.attributes["node"] == "site-b-node-1"
                    })
                #expect(point.attributes["site"] == "site-b")
                #expect(point.resource["service.name"] == "eos-central")
                #expect(
                    point.value
                        == central.telemetry.nodeMetrics("site-b-node-1")?.series.first {
                            $0.name == "eos_host_memory_total_bytes"
                        }?.samples.first?.value)
            }
        }
    }
}

/// A telemetry source that numbers its collections: a gap in the numbers the central holds is a collection lost on the
/// way, however late a busy machine ran it.
private final class CollectionCounter: TelemetrySource, Sendable {
    static let name = "eos_test_collection_number"
    let name = "collections"
    private let counter = Mutex(0)

    /// How many collections have asked this source so far.
    var count: Int { counter.withLock { $0 } }

    func collect(at time: Timestamp) async -> [MetricPoint] {
        let number = counter.withLock {
            $0 += 1
            return $0
        }
        return [MetricPoint(name: Self.name, labels: [:], value: Double(number), timestamp: time)]
    }
}
