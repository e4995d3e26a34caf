internal import EOSModel

/// The fleet registry's nodes in memory, by id and by site, in id order: every deployment controller pass, status
/// query and site summary lists nodes, and reading them back from SQLite would decode every record each time.
///
/// The registry changes it only after the matching SQLite write committed, in the order the writes committed, so it
/// always equals the file.
///
/// The whole fleet in id order is kept as one array, which a page covering every node hands out as it is: a
/// controller pass and a status query at 10,000 nodes then share it instead of copying each record, several
/// dozen times a second in a rollout. A change to nodes already known (a site's inventory, every few seconds)
/// changes the array in place; one that adds or removes a node has it rebuilt on the next read.
struct NodeIndex {
    private var byID: [String: NodeRecord] = [:]
    private var bySite: [String: [String]] = [:]
    /// Every node in id order, and where each id is in it; rebuilt on the next read after nodes come or go.
    private var ordered: Ordered? = Ordered(records: [], positions: [:])

    private struct Ordered {
        var records: [NodeRecord]
        var positions: [String: Int]
    }

    init(_ nodes: [NodeRecord] = []) {
        for node in nodes { byID[node.id] = node }
        reindex(sites: Set(nodes.compactMap(\.siteID)))
    }

    /// Replaces the nodes of `site` (those attached to the central directly when `nil`) with `nodes`.
    mutating func replace(site: String?, with nodes: [NodeRecord]) {
        let leaving = site.map { bySite[$0] ?? [] } ?? byID.values.filter { $0.siteID == nil }.map(\.id)
        let sameNodes =
            leaving.count == nodes.count && nodes.allSatisfy { byID[$0.id].map { $0.siteID == site } ?? false }
            && Set(nodes.map(\.id)).count == nodes.count
        guard !sameNodes else {
            // The site's inventory again: the same nodes, their records renewed.
            for node in nodes { update(node) }
            return
        }
        var touched = Set(nodes.compactMap(\.siteID))
        if let site { touched.insert(site) }
        for id in leaving { byID[id] = nil }
        for node in nodes {
            if let previous = byID[node.id]?.siteID { touched.insert(previous) }
            byID[node.id] = node
        }
        reindex(sites: touched)
    }

    /// Adds or replaces one node.
    mutating func put(_ node: NodeRecord) {
        if let previous = byID[node.id], previous.siteID == node.siteID {
            update(node)
            return
        }
        var touched = Set([node.siteID].compactMap { $0 })
        if let previous = byID[node.id]?.siteID { touched.insert(previous) }
        byID[node.id] = node
        reindex(sites: touched)
    }

    func node(id: String) -> NodeRecord? { byID[id] }

    /// Up to `limit` nodes after `cursor` in id order, only those of `site` when given.
    mutating func page(after cursor: String?, limit: Int, site: String?) -> Page<NodeRecord> {
        let limit = max(1, limit)
        if let site {
            let ids = bySite[site] ?? []
            let start = cursor.map { cursor in Self.firstIndex(ids.count) { ids[$0] > cursor } } ?? 0
            let end = min(ids.count, start + limit)
            let items = ids[start..<end].compactMap { byID[$0] }
            return Page(items: items, next: end < ids.count ? items.last?.id : nil)
        }
        let records = orderedRecords()
        let start = cursor.map { cursor in Self.firstIndex(records.count) { records[$0].id > cursor } } ?? 0
        let end = min(records.count, start + limit)
        let items = start == 0 && end == records.count ? records : Array(records[start..<end])
        return Page(items: items, next: end < records.count ? items.last?.id : nil)
    }

    /// Every node in id order, rebuilt first if nodes came or went since the last read.
    private mutating func orderedRecords() -> [NodeRecord] {
        if let ordered { return ordered.records }
        let records = byID.values.sorted { $0.id < $1.id }
        let positions = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($1.id, $0) })
        ordered = Ordered(records: records, positions: positions)
        return records
    }

    /// Replaces the record of a node already known, on the same site.
    private mutating func update(_ node: NodeRecord) {
        byID[node.id] = node
        guard var current = ordered, let position = current.positions[node.id] else { return }
        // Taken out first, so that the array is changed in place unless a page handed out still holds it.
        ordered = nil
        current.records[position] = node
        ordered = current
    }

    private mutating func reindex(sites: Set<String>) {
        ordered = nil
        guard !sites.isEmpty else { return }
        var members: [String: [String]] = [:]
        for node in byID.values {
            if let site = node.siteID, sites.contains(site) { members[site, default: []].append(node.id) }
        }
        for site in sites { bySite[site] = members[site]?.sorted() }
    }

    /// The first index below `count` whose element satisfies `isAfter`, which holds from some index on, by
    /// bisection.
    private static func firstIndex(_ count: Int, where isAfter: (Int) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
