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
/// Memory is bounded: at most ``Configuration/historyLength`` samples per series, fewer when the whole fleet's series
/// would hold more than ``Configuration/maximumSamples`` together (each series then keeps an equal share), and
/// ``Configuration/maximumSeriesPerSource`` series per node or site (new series beyond that are refused and counted).
/// A site's rollups are computed when asked (``SiteMetricsRollup``), from the nodes' histories, so samples that
/// arrive late after an outage land in the right window.
public final class TelemetryGateway: TelemetryReceiver {
    /// How much the gateway keeps.
    public struct Configuration: Sendable, Hashable {
        /// Samples kept per series. Default: 240 (an hour at the agents' default 15-second interval).
        public var historyLength: Int
        /// Samples kept in all, over every series: when ``historyLength`` samples of each series would be more, each
        /// series keeps `maximumSamples / series` instead, and never fewer than 2. Default: 3,000,000, the full hour
        /// of the 11 host series of 1,100 nodes; a 10,000-node fleet keeps 27 samples a series (almost 7 minutes at
        /// 15 seconds). Packed, a sample takes 2 to 12 bytes with the room around it, about 38 MB in all for
        /// 10,000 nodes, and each series about 80 bytes more for itself (`eos_telemetry_history_bytes` shows the
        /// samples' bytes). A collector the gateway exports to keeps the long history.
        public var maximumSamples: Int
        /// Series kept per node or site. Default: 500.
        public var maximumSeriesPerSource: Int
        /// The window site rollups are computed over: the agents' interval. Default: 15 seconds.
        public var rollupWindow: Duration

        /// A configuration; the arguments have the documented defaults.
        public init(
            historyLength: Int = 240, maximumSamples: Int = 3_000_000, maximumSeriesPerSource: Int = 500,
            rollupWindow: Duration = .seconds(15)
        ) {
            self.historyLength = max(1, historyLength)
            self.maximumSamples = max(1, maximumSamples)
            self.maximumSeriesPerSource = max(1, maximumSeriesPerSource)
            self.rollupWindow = rollupWindow
        }

        /// The samples each series keeps while the gateway holds `series` series.
        func historyLength(among series: Int) -> Int {
            min(historyLength, max(2, maximumSamples / max(1, series)))
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
        /// Series held now, over every node and site.
        public var series: Int
        /// Bytes the series' packed samples take now.
        public var historyBytes: Int
    }

    /// A node's or site's series: their shapes in the order they first came, and their histories in the same order.
    /// Nodes that send the same series share one array of shapes (``State/layout(_:)``), and a node's dozen series
    /// cost two arrays instead of a hash table each.
    fileprivate struct Entry {
        var site: String?
        var shapes: [SeriesShape] = []
        var histories: [SeriesHistory] = []
        var lastReceivedAt: Timestamp?
        var dropped: UInt64 = 0
    }

    private struct State {
        var nodes: [String: Entry] = [:]
        var sites: [String: Entry] = [:]
        var nodesBySite: [String: Set<String>] = [:]
        var statistics = Statistics(batches: 0, samples: 0, droppedAtSource: 0, refused: 0, series: 0, historyBytes: 0)
        /// Names as sent → Prometheus-safe, worked out once per name instead of once per sample.
        var metricNames: [String: String] = [:]
        var labelNames: [String: String] = [:]
        /// One copy of each series key: 10,000 nodes sending the same series share its name and labels instead of
        /// holding a copy each, which was most of a large fleet's telemetry memory after the samples themselves.
        var keys: Set<MetricSeriesKey> = []
        /// One copy of each list of shapes, for the same reason.
        var layouts: Set<[SeriesShape]> = []

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

        /// The shared copy of a node's or site's list of shapes.
        mutating func layout(_ shapes: [SeriesShape]) -> [SeriesShape] {
            if let existing = layouts.firstIndex(of: shapes) { return layouts[existing] }
            if layouts.count < Self.sharedLimit { layouts.insert(shapes) }
            return shapes
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
        let configuration = configuration
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
            // The nodes (or, for `nil`, the site itself) that gained a series in this batch, whose shapes are shared
            // once it is filed.
            var grown: [String?] = []
            var hint = 0
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
                let key = MetricSeriesKey(name: state.metricName(point.name), labels: labels)
                let sample = MetricSeries.Sample(timestamp: point.timestamp, value: point.value)
                if let node {
                    let site = kind == .site ? id : nil
                    if state.nodes[node]?.site != site {
                        if let previous = state.nodes[node]?.site { state.nodesBySite[previous]?.remove(node) }
                        if let site { state.nodesBySite[site, default: []].insert(node) }
                    }
                    state.nodes[node, default: Entry()].site = site
                    state.nodes[node]?.lastReceivedAt = now
                }
                var index: Int?
                let count: Int
                if let node {
                    index = state.nodes[node]!.index(of: key, from: hint)
                    count = state.nodes[node]!.shapes.count
                } else {
                    index = state.sites[id]!.index(of: key, from: hint)
                    count = state.sites[id]!.shapes.count
                }
                if index == nil, count < configuration.maximumSeriesPerSource {
                    let shape = SeriesShape(key: state.shared(key), kind: point.kind, unit: point.unit)
                    if let node {
                        state.nodes[node]!.add(shape, SeriesHistory())
                    } else {
                        state.sites[id]!.add(shape, SeriesHistory())
                    }
                    state.statistics.series += 1
                    grown.append(node)
                    index = count
                }
                guard let index else {
                    state.statistics.refused += 1
                    continue
                }
                let capacity = configuration.historyLength(among: state.statistics.series)
                let grew: Int
                if let node {
                    grew = state.nodes[node]!.histories[index].insert(sample, keeping: capacity)
                } else {
                    grew = state.sites[id]!.histories[index].insert(sample, keeping: capacity)
                }
                state.statistics.historyBytes += grew
                hint = index + 1
                state.statistics.samples += 1
            }
            for node in grown {
                if let node {
                    state.nodes[node]!.shapes = state.layout(state.nodes[node]!.shapes)
                } else {
                    state.sites[id]!.shapes = state.layout(state.sites[id]!.shapes)
                }
            }
        }
    }

    /// The samples each series keeps now: ``Configuration/historyLength``, or less with many series
    /// (``Configuration/maximumSamples``).
    public var historyLength: Int {
        state.withLock { state in configuration.historyLength(among: state.statistics.series) }
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
                for (shape, history) in zip(entry.shapes, entry.histories)
                where names.isEmpty || names.contains(shape.key.name) {
                    var labels = shape.key.labelDictionary
                    labels["node"] = node
                    for sample in history.samples(since: since) {
                        points.append(
                            MetricPoint(
                                name: shape.key.name, labels: labels, value: sample.value, timestamp: sample.timestamp,
                                unit: shape.unit, kind: shape.kind))
                    }
                }
            }
            return (state.sites[id], points, nodes)
        }
        guard site != nil || !nodes.isEmpty else { return nil }
        var rollups = Entry(site: id)
        for point in SiteMetricsRollup(window: configuration.rollupWindow).process(nodePoints) {
            let key = MetricSeriesKey(point)
            let index =
                rollups.index(of: key, from: 0)
                ?? {
                    rollups.add(SeriesShape(key: key, kind: point.kind, unit: point.unit), SeriesHistory())
                    return rollups.shapes.count - 1
                }()
            rollups.histories[index].insert(
                MetricSeries.Sample(timestamp: point.timestamp, value: point.value), keeping: .max)
        }
        return SiteMetrics(
            site: id, nodes: nodes, lastReceivedAt: site?.lastReceivedAt, droppedSamples: site?.dropped ?? 0,
            series: rollups.seriesList(names: [], since: nil),
            localOrchestrator: site?.seriesList(names: names, since: since) ?? [])
    }

    // MARK: Prometheus

    /// The families the gateway writes of its own after the fleet's: a child's series of these names are left out.
    static let ownFamilies: Set<String> = [
        "eos_telemetry_dropped_samples_total", "eos_telemetry_batches_received_total",
        "eos_telemetry_samples_refused_total", "eos_telemetry_series", "eos_telemetry_history_bytes",
    ]

    /// Writes the latest sample of every node's and site's series in the Prometheus text format, labelled with `site`
    /// and `node`, followed by the gateway's own counts, to `write` in pieces of about `pieceSize` bytes; families
    /// named in `excluding` (ones the caller writes itself) are left out.
    ///
    /// Every family's series are written together, nodes in the order of their ids, then sites; a family whose
    /// series differ in kind has the kind of its first, and the others are left out. The gateway is locked for a few
    /// hundred nodes at a time, so a scrape of a large fleet holds up no intake and holds no more than a piece.
    public func writePrometheusExposition(
        excluding reserved: Set<String> = [], pieceSize: Int = 64 * 1024, to write: ([UInt8]) async throws -> Void
    ) async rethrows {
        let excluded = reserved.union(Self.ownFamilies)
        let (families, nodes, sites) = state.withLock { state in
            let nodes = state.nodes.keys.sorted()
            let sites = state.sites.keys.sorted()
            var families: [String: MetricPoint.Kind] = [:]
            func note(_ entry: Entry?) {
                guard let entry else { return }
                for shape in entry.shapes where families[shape.key.name] == nil && !excluded.contains(shape.key.name) {
                    families[shape.key.name] = shape.kind
                }
            }
            for id in nodes { note(state.nodes[id]) }
            for id in sites { note(state.sites[id]) }
            return (families.sorted { $0.key < $1.key }, nodes, sites)
        }
        var exposition = PrometheusExposition()
        let batch = 256
        for (name, kind) in families {
            exposition.family(name, kind: kind, help: MetricCatalog.help(name))
            for start in stride(from: 0, to: nodes.count + sites.count, by: batch) {
                state.withLock { state in
                    for position in start..<min(start + batch, nodes.count + sites.count) {
                        let isNode = position < nodes.count
                        let id = isNode ? nodes[position] : sites[position - nodes.count]
                        guard let entry = isNode ? state.nodes[id] : state.sites[id] else { continue }
                        entry.expose(
                            name, kind: kind, site: isNode ? entry.site : id, node: isNode ? id : nil,
                            to: &exposition)
                    }
                }
                if exposition.bytes.count >= pieceSize { try await write(exposition.take()) }
            }
        }
        state.withLock { state in
            let dropped = "eos_telemetry_dropped_samples_total"
            exposition.family(
                dropped, kind: .counter,
                help: "Telemetry samples lost on the way to the central because an agent's queue was full.")
            var any = false
            for (id, entry) in state.sites.sorted(by: { $0.key < $1.key }) {
                exposition.series(dropped, site: id, value: Double(entry.dropped))
                any = true
            }
            for (id, entry) in state.nodes.sorted(by: { $0.key < $1.key }) where entry.site == nil {
                exposition.series(dropped, node: id, value: Double(entry.dropped))
                any = true
            }
            if !any { exposition.series(dropped, value: 0) }
            exposition.family(
                "eos_telemetry_batches_received_total", kind: .counter,
                help: "Telemetry batches the central received from its sites and nodes.")
            exposition.series("eos_telemetry_batches_received_total", value: Double(state.statistics.batches))
            exposition.family(
                "eos_telemetry_samples_refused_total", kind: .counter,
                help: "Telemetry samples the central refused: over a source's series limit, or not a finite number.")
            exposition.series("eos_telemetry_samples_refused_total", value: Double(state.statistics.refused))
            exposition.family(
                "eos_telemetry_series", kind: .gauge, help: "Series of the fleet's telemetry the central holds.")
            exposition.series("eos_telemetry_series", value: Double(state.statistics.series))
            exposition.family(
                "eos_telemetry_history_bytes", kind: .gauge,
                help: "Bytes the packed samples of the central's telemetry history take.")
            exposition.series("eos_telemetry_history_bytes", value: Double(state.statistics.historyBytes))
        }
        try await write(exposition.take())
    }

    /// The whole exposition ``writePrometheusExposition(excluding:pieceSize:to:)`` writes, as one string.
    public func prometheusExposition(excluding reserved: Set<String> = []) async -> String {
        var bytes: [UInt8] = []
        await writePrometheusExposition(excluding: reserved) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension TelemetryGateway.Entry {
    /// The position of `key`'s series, looked for from `hint` on first: a child sends its series in the same order
    /// every time, so the one after the last found is usually the one.
    fileprivate func index(of key: MetricSeriesKey, from hint: Int) -> Int? {
        let start = hint < shapes.count ? hint : 0
        if let found = shapes[start...].firstIndex(where: { $0.key == key }) { return found }
        return shapes[..<start].firstIndex { $0.key == key }
    }

    fileprivate mutating func add(_ shape: SeriesShape, _ history: SeriesHistory) {
        shapes.append(shape)
        histories.append(history)
    }

    fileprivate func seriesList(names: Set<String>, since: Timestamp?) -> [MetricSeries] {
        zip(shapes, histories).sorted { $0.0.key < $1.0.key }.compactMap { shape, history in
            guard names.isEmpty || names.contains(shape.key.name) else { return nil }
            return MetricSeries(
                name: shape.key.name, labels: shape.key.labelDictionary, kind: shape.kind, unit: shape.unit,
                samples: history.samples(since: since))
        }
    }

    /// Writes the latest sample of each of the entry's series in family `name` of `kind`, in the order of their keys.
    fileprivate func expose(
        _ name: String, kind: MetricPoint.Kind, site: String?, node: String?, to exposition: inout PrometheusExposition
    ) {
        var matching: [Int] = []
        for (index, shape) in shapes.enumerated() where shape.key.name == name && shape.kind == kind {
            matching.append(index)
        }
        if matching.count > 1 { matching.sort { shapes[$0].key < shapes[$1].key } }
        for index in matching {
            guard let latest = histories[index].latest else { continue }
            exposition.series(
                name, site: site, node: node, labels: shapes[index].key.labels, value: latest.value,
                timestamp: latest.timestamp)
        }
    }
}
