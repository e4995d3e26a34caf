internal import EOSModel
public import Prometheus

/// The central's Prometheus metrics, served at `GET /metrics`: requests by route and status, deployments by phase,
/// sites and nodes by liveness, and the statuses taken in from the fleet.
///
/// The counters count as things happen; the gauges are read from the registry when ``exposition(of:)`` is asked,
/// so a scrape always shows the fleet as it is. Embedders may add their own metrics to ``registry``; nothing here
/// touches the global `MetricsSystem`.
public final class CentralMetrics: Sendable {
    /// The collector registry the exposition is written from.
    public let registry: PrometheusCollectorRegistry
    /// Node statuses received from sites and nodes.
    let statusesReceived: Counter
    /// Batches of statuses recorded: the reports of a stream that arrived while earlier ones were being recorded
    /// are recorded together, so under load a batch holds many reports.
    let statusBatches: Counter

    /// Metrics in `registry` (a new one unless given).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        statusesReceived = registry.makeCounter(
            descriptor: Self.name(
                "status_received", unit: "total",
                help: "Node deployment statuses the central received from its sites and nodes."))
        statusBatches = registry.makeCounter(
            descriptor: Self.name(
                "status_batches", unit: "total",
                help: "Batches of status reports the central recorded, each in one go."))
    }

    /// Counts one recorded batch carrying `count` statuses.
    func received(statuses count: Int) {
        statusBatches.increment()
        statusesReceived.increment(by: Int64(count))
    }

    /// Counts one answered HTTP request: its method, its route (`/status/{name}`, never the raw path, so the label
    /// set stays small) and its status code, and how long it took.
    public func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("code", String(status))]
        registry.makeCounter(
            descriptor: Self.name("http_requests", unit: "total", help: "HTTP requests the central's API answered."),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name(
                "http_request_duration", unit: "seconds", help: "How long the central's API took to answer."),
            labels: [("method", method), ("route", route)], buckets: Self.durationBuckets
        ).recordNanoseconds(duration.wholeNanoseconds)
    }

    /// The Prometheus text exposition, with the gauges read from `central` now, followed by the fleet's telemetry
    /// (``TelemetryGateway/prometheusExposition(excluding:)``): every node's and site's latest samples, labelled with
    /// `site` and `node`. `GET /metrics` sends the same, the fleet's part written as it is sent.
    public func exposition(of central: CentralOrchestrator) async throws -> String {
        let own = try await ownExposition(of: central)
        return own.text + (await central.telemetry.prometheusExposition(excluding: own.families))
    }

    /// The central's own metrics, with the gauges read from `central` now, and the names of their families, which
    /// the fleet's telemetry leaves out.
    func ownExposition(of central: CentralOrchestrator) async throws -> (text: String, families: Set<String>) {
        var phases = Dictionary(uniqueKeysWithValues: DeploymentPhase.allCases.map { ($0, 0) })
        var cursor: String?
        repeat {
            let page = try await central.statuses(after: cursor, limit: CentralAPI.maximumPageSize)
            for status in page.items { phases[status.phase, default: 0] += 1 }
            cursor = page.next
        } while cursor != nil
        for (phase, count) in phases {
            gauge("deployments", ("phase", phase.rawValue), help: "Deployments by rollout phase.").set(Int64(count))
        }

        var nodes = Dictionary(uniqueKeysWithValues: NodeLiveness.allCases.map { ($0, 0) })
        repeat {
            let page = try await central.nodes(after: cursor, limit: 1000)
            for node in page.items { nodes[node.liveness.liveness, default: 0] += 1 }
            cursor = page.next
        } while cursor != nil
        for (liveness, count) in nodes {
            gauge("nodes", ("liveness", liveness.rawValue), help: "Nodes by liveness.").set(Int64(count))
        }

        var sites = Dictionary(uniqueKeysWithValues: NodeLiveness.allCases.map { ($0, 0) })
        repeat {
            let page = try await central.sites(after: cursor, limit: CentralAPI.maximumPageSize)
            for site in page.items { sites[site.liveness.liveness, default: 0] += 1 }
            cursor = page.next
        } while cursor != nil
        for (liveness, count) in sites {
            gauge("sites", ("liveness", liveness.rawValue), help: "Sites by liveness.").set(Int64(count))
        }
        let own = registry.emitToString()
        let families = Set(
            own.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("# TYPE ") else { return nil }
                return line.split(separator: " ").dropFirst(2).first.map(String.init)
            })
        return (own, families)
    }

    private func gauge(_ name: String, _ label: (String, String), help: String) -> Gauge {
        registry.makeGauge(descriptor: Self.name(name, unit: "", help: help), labels: [label])
    }

    private static func name(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "eos", metricName: name, unitName: unit, helpText: help)
    }

    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]
}
