internal import EOSModel

/// The fleet registry's nodes in memory, by id and by site, in id order: every deployment controller pass, status
/// query and site summary lists nodes, and reading them back from SQLite would decode every record each time.
///
/// The registry changes it only after the matching SQLite write committed, in the order the writes committed, so it
/// always equals the file.
struct NodeIndex {
    private var byID: [String: NodeRecord] = [:]
    private var bySite: [String: [String]] = [:]
    /// Every id in order; rebuilt on the next read after a change.
    private var ordered: [String]? = []

    init(_ nodes: [NodeRecord] = []) {
        for node in nodes { byID[node.id] = node }
        reindex(sites: Set(nodes.compactMap(\.siteID)))
    }

    /// Replaces the nodes of `site` (those attached to the central directly when `nil`) with `nodes`.
    mutating func replace(site: String?, with nodes: [NodeRecord]) {
        var touched = Set(nodes.compactMap(\.siteID))
        if let site { touched.insert(site) }
        let leaving = byID.values.filter { $0.siteID == site }.map(\.id)
        for id in leaving { byID[id] = nil }
        for node in nodes {
            if let previous = byID[node.id]?.siteID { touched.insert(previous) }
            byID[node.id] = node
        }
        reindex(sites: touched)
    }

    /// Adds or replaces one node.
    mutating func put(_ node: NodeRecord) {
        var touched = Set([node.siteID].compactMap { $0 })
        if let previous = byID[node.id]?.siteID { touched.insert(previous) }
        byID[node.id] = node
        reindex(sites: touched)
    }

    func node(id: String) -> NodeRecord? { byID[id] }

    /// Up to `limit` nodes after `cursor` in id order, only those of `site` when given.
    mutating func page(after cursor: String?, limit: Int, site: String?) -> Page<NodeRecord> {
        let ids: [String]
        if let site {
            ids = bySite[site] ?? []
        } else {
            if ordered == nil { ordered = byID.keys.sorted() }
            ids = ordered ?? []
        }
        let start = cursor.map { cursor in Self.firstIndex(in: ids) { $0 > cursor } } ?? 0
        let limit = max(1, limit)
        let end = min(ids.count, start + limit)
        let items = ids[start..<end].compactMap { byID[$0] }
        return Page(items: items, next: end < ids.count ? items.last?.id : nil)
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

    /// The first index of sorted `ids` whose id satisfies `isAfter`, by bisection.
    private static func firstIndex(in ids: [String], where isAfter: (String) -> Bool) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(ids[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
