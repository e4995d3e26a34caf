public import EOSModel
internal import Synchronization

/// The central's telemetry: what every site and directly attached node sends up, kept as the latest values and a
/// short history per node and per site, for the REST and GraphQL APIs, Prometheus `/metrics` and OTLP export.
///
/// Each sample is filed under the node or site that the caller's verified identity says sent it: a site's samples
/// with a `node` label go to that node (within the site), the rest to the site's own LO; a directly attached node's
/// go to it. The `node` and `site` labels a child wrote are replaced by these, so no child can report for another.
/// Names and label names are made Prometheus-safe on the way in, and samples that are not finite numbers are left
/// out (Prometheus would take them, JSON cannot carry them).
///
/// Memory is bounded: at most ``Configuration/historyLength`` samples per series and
/// ``Configuration/maximumSeriesPerSource`` series per node or site (new series beyond that are refused and
/// counted). A site's rollups are computed when asked (``SiteMetricsRollup``), from the nodes' histories, so samples that
/// arrive late after an outage land in the right window.
public final class TelemetryGateway: TelemetryReceiver {
    /// How much the gateway keeps.
    public struct Configuration: Sendable, Hashable {
        /// Samples kept per series. Default: 240 (an hour at the agents' default 15-second interval).
        public var historyLength: Int
        /// Series kept per node or site. Default: 500.
        public var maximumSeriesPerSource: Int
        /// The window site rollups are computed over: the agents' interval. Default: 15 seconds.
        public var rollupWindow: Duration

        /// A configuration; the arguments have the documented defaults.
        public init(historyLength: Int = 240, maximumSeriesPerSource: Int = 500, rollupWindow: Duration = .seconds(15))
        {
            self.historyLength = max(1, historyLength)
            self.maximumSeriesPerSource = max(1, maximumSeriesPerSource)
            self.rollupWindow = rollupWindow
        }
    }

    /// What the gateway has taken in since it started.
    public struct Statistics: Sendable, Hashable {
        /// Batches received.
        public var batches: UInt64
        /// Samples kept.
        public var samples: UInt64
        /// Samples the children said they lost before sending.
        public var droppedAtSource: UInt64
        /// Samples refused because their source had too many series, or were not finite.
        public var refused: UInt64
    }

    fileprivate struct Entry {
        var site: String?
        var series: [MetricSeriesKey: SeriesHistory] = [:]
        var lastReceivedAt: Timestamp?
        var dropped: UInt64 = 0
    }

    private struct State {
        var nodes: [String: Entry] = [:]
        var sites: [String: Entry] = [:]
        var nodesBySite: [String: Set<String>] = [:]
        var statistics = Statistics(batches: 0, samples: 0, droppedAtSource: 0, refused: 0)
        /// Names as sent → Prometheus-safe, worked out once per name instead of once per sample.
        var metricNames: [String: String] = [:]
        var labelNames: [String: String] = [:]
        /// One copy of each series key: 10,000 nodes sending the same series share its name and labels instead of
        /// holding a copy each, which was most of a large fleet's telemetry memory after the samples themselves.
        var keys: Set<MetricSeriesKey> = []

        /// How many names and keys are shared at most: beyond that (children sending ever new names), new ones are
        /// kept as they come, so the tables cannot grow without bound.
        static let sharedLimit = 50_000

        mutating func metricName(_ name: String) -> String {
            if let safe = metricNames[name] { return safe }
            let safe = PrometheusName.metric(name)
            if metricNames.count < Self.sharedLimit { metricNames[name] = safe }
            return safe
        }

        mutating func labelName(_ name: String) -> String {
            if let safe = labelNames[name] { return safe }
            let safe = PrometheusName.label(name)
            if labelNames.count < Self.sharedLimit { labelNames[name] = safe }
            return safe
        }

        /// The shared copy of `key`.
        mutating func shared(_ key: MetricSeriesKey) -> MetricSeriesKey {
            if let existing = keys.firstIndex(of: key) { return keys[existing] }
            if keys.count < Self.sharedLimit { keys.insert(key) }
            return key
        }
    }

    /// How much the gateway keeps.
    public let configuration: Configuration
    private let state = Mutex(State())

    /// An empty gateway.
    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// What the gateway has taken in so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    // MARK: Intake

    /// Files a batch from the child `kind` `id`.
    public func receive(_ batch: TelemetryBatch, from kind: ChildKind, id: String) async {
        let now = Timestamp.now
        let capacity = configuration.historyLength
        let seriesLimit = configuration.maximumSeriesPerSource
        state.withLock { state in
            state.statistics.batches += 1
            state.statistics.droppedAtSource += batch.droppedCount
            switch kind {
            case .site:
                state.sites[id, default: Entry(site: id)].lastReceivedAt = now
                state.sites[id]?.dropped += batch.droppedCount
            case .node:
                state.nodes[id, default: Entry()].dropped += batch.droppedCount
                state.nodes[id]?.lastReceivedAt = now
            }
            for point in batch.points {
                guard point.value.isFinite else {
                    state.statistics.refused += 1
                    continue
                }
                var labels: [String: String] = [:]
                for (name, value) in point.labels { labels[state.labelName(name)] = value }
                let node: String? = kind == .node ? id : labels["node"]
                labels["node"] = nil
                labels["site"] = nil
                var key = MetricSeriesKey(name: state.metricName(point.name), labels: labels)
                let sample = MetricSeries.Sample(timestamp: point.timestamp, value: point.value)
                let known = node.map { state.nodes[$0]?.series[key] != nil } ?? (state.sites[id]?.series[key] != nil)
                if !known { key = state.shared(key) }
                let filed: Bool
                if let node {
                    let site = kind == .site ? id : nil
                    if state.nodes[node]?.site != site {
                        if let previous = state.nodes[node]?.site { state.nodesBySite[previous]?.remove(node) }
                        if let site { state.nodesBySite[site, default: []].insert(node) }
                    }
                    state.nodes[node, default: Entry()].site = site
                    state.nodes[node]?.lastReceivedAt = now
                    filed = state.nodes[node]!.file(sample, of: point, under: key, capacity, seriesLimit)
                } else {
                    filed = state.sites[id, default: Entry(site: id)].file(
                        sample, of: point, under: key, capacity, seriesLimit)
                }
                if filed { state.statistics.samples += 1 } else { state.statistics.refused += 1 }
            }
        }
    }

    // MARK: Queries

    /// A node's series (only those named in `names`, when not empty) with their samples from `since` on; `nil` when
    /// the central has no telemetry from the node.
    public func nodeMetrics(_ id: String, names: Set<String> = [], since: Timestamp? = nil) -> NodeMetrics? {
        state.withLock { state in
            guard let entry = state.nodes[id] else { return nil }
            return NodeMetrics(
                node: id, site: entry.site, lastReceivedAt: entry.lastReceivedAt, droppedSamples: entry.dropped,
                series: entry.seriesList(names: names, since: since))
        }
    }

    /// A site's rollups and its LO's own series (only those named in `names`, when not empty) from `since` on; `nil`
    /// when the central has no telemetry from the site.
    public func siteMetrics(_ id: String, names: Set<String> = [], since: Timestamp? = nil) -> SiteMetrics? {
        let (site, nodePoints, nodes) = state.withLock { state -> (Entry?, [MetricPoint], [String]) in
            let nodes = (state.nodesBySite[id] ?? []).sorted()
            var points: [MetricPoint] = []
            for node in nodes {
                guard let entry = state.nodes[node] else { continue }
                for (key, history) in entry.series where names.isEmpty || names.contains(key.name) {
                    var labels = key.labelDictionary
                    labels["node"] = node
                    for sample in history.samples(since: since) {
                        points.append(
                            MetricPoint(
                                name: key.name, labels: labels, value: sample.value, timestamp: sample.timestamp,
                                unit: history.unit, kind: history.kind))
                    }
                }
            }
            return (state.sites[id], points, nodes)
        }
        guard site != nil || !nodes.isEmpty else { return nil }
        var rollups = Entry(site: id)
        for point in SiteMetricsRollup(window: configuration.rollupWindow).process(nodePoints) {
            let sample = MetricSeries.Sample(timestamp: point.timestamp, value: point.value)
            _ = rollups.file(sample, of: point, under: MetricSeriesKey(point), Int.max, Int.max)
        }
        return SiteMetrics(
            site: id, nodes: nodes, lastReceivedAt: site?.lastReceivedAt, droppedSamples: site?.dropped ?? 0,
            series: rollups.seriesList(names: [], since: nil),
            localOrchestrator: site?.seriesList(names: names, since: since) ?? [])
    }

    /// The latest sample of every node's and site's series in the Prometheus text format, labelled with `site` and
    /// `node`, followed by the gateway's own counts; families named in `excluding` (ones the caller writes itself)
    /// are left out.
    public func prometheusExposition(excluding reserved: Set<String> = []) -> String {
        var exposition = PrometheusExposition()
        state.withLock { state in
            func add(_ entry: Entry, labels extra: [(String, String)]) {
                for (key, history) in entry.series.sorted(by: { $0.key < $1.key }) {
                    guard !reserved.contains(key.name), let latest = history.latest else { continue }
                    exposition.add(
                        key.name, kind: history.kind, help: MetricCatalog.help(key.name),
                        .init(
                            labels: extra + key.labels.map { ($0.name, $0.value) }, value: latest.value,
                            timestamp: latest.timestamp))
                }
            }
            for (id, entry) in state.nodes.sorted(by: { $0.key < $1.key }) {
                add(entry, labels: (entry.site.map { [("site", $0)] } ?? []) + [("node", id)])
            }
            for (id, entry) in state.sites.sorted(by: { $0.key < $1.key }) { add(entry, labels: [("site", id)]) }
            let dropped = "eos_telemetry_dropped_samples_total"
            let help = "Telemetry samples lost on the way to the central because an agent's queue was full."
            for (id, entry) in state.sites.sorted(by: { $0.key < $1.key }) {
                exposition.add(
                    dropped, kind: .counter, help: help, .init(labels: [("site", id)], value: Double(entry.dropped)))
            }
            for (id, entry) in state.nodes.sorted(by: { $0.key < $1.key }) where entry.site == nil {
                exposition.add(
                    dropped, kind: .counter, help: help, .init(labels: [("node", id)], value: Double(entry.dropped)))
            }
            if !exposition.has(dropped) {
                exposition.add(dropped, kind: .counter, help: help, .init(labels: [], value: 0))
            }
            exposition.add(
                "eos_telemetry_batches_received_total", kind: .counter,
                help: "Telemetry batches the central received from its sites and nodes.",
                .init(labels: [], value: Double(state.statistics.batches)))
            exposition.add(
                "eos_telemetry_samples_refused_total", kind: .counter,
                help: "Telemetry samples the central refused: over a source's series limit, or not a finite number.",
                .init(labels: [], value: Double(state.statistics.refused)))
        }
        return exposition.text
    }
}

extension TelemetryGateway.Entry {
    fileprivate mutating func file(
        _ sample: MetricSeries.Sample, of point: MetricPoint, under key: MetricSeriesKey, _ capacity: Int,
        _ seriesLimit: Int
    ) -> Bool {
        if series[key] == nil {
            guard series.count < seriesLimit else { return false }
            series[key] = SeriesHistory(kind: point.kind, unit: point.unit, capacity: capacity)
        }
        series[key]?.insert(sample)
        return true
    }

    fileprivate func seriesList(names: Set<String>, since: Timestamp?) -> [MetricSeries] {
        series.sorted { $0.key < $1.key }.compactMap { key, history in
            guard names.isEmpty || names.contains(key.name) else { return nil }
            return MetricSeries(
                name: key.name, labels: key.labelDictionary, kind: history.kind, unit: history.unit,
                samples: history.samples(since: since))
        }
    }
}
