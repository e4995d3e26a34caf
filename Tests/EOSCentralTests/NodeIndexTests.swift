import EOSModel
import Foundation
import Testing

@testable import EOSCentral

@Suite("NodeIndex")
struct NodeIndexTests {
    static let start = Timestamp(rfc3339: "2026-11-29T10:00:00Z")!

    static func node(_ id: String, site: String?, seconds: Double = 0, zone: String = "north") -> NodeRecord {
        NodeRecord(
            id: id, siteID: site, labels: ["zone": zone], liveness: LivenessStatus(liveness: .ready),
            updatedAt: Timestamp(start.date.addingTimeInterval(seconds)))
    }

    /// Every page of `site` (all nodes when `nil`), `limit` at a time, joined.
    static func all(_ index: inout NodeIndex, limit: Int, site: String? = nil) -> [NodeRecord] {
        var nodes: [NodeRecord] = []
        var cursor: String?
        repeat {
            let page = index.page(after: cursor, limit: limit, site: site)
            nodes += page.items
            cursor = page.next
        } while cursor != nil
        return nodes
    }

    @Test("pages list every node once in id order, for the fleet and for each site, whatever the page size")
    func paging() {
        let nodes = (0..<23).map { Self.node("n\(String(format: "%02d", $0))", site: $0 % 3 == 0 ? nil : "s\($0 % 3)") }
        var index = NodeIndex(nodes.shuffled())
        for limit in [1, 5, 23, 100] {
            #expect(Self.all(&index, limit: limit) == nodes)
            #expect(Self.all(&index, limit: limit, site: "s1") == nodes.filter { $0.siteID == "s1" })
        }
        #expect(index.page(after: "n21", limit: 10, site: nil).items.map(\.id) == ["n22"])
        #expect(index.page(after: "n22", limit: 10, site: nil).items.isEmpty)
        #expect(index.page(after: nil, limit: 23, site: nil).next == nil)
        #expect(index.page(after: nil, limit: 22, site: nil).next == "n21")
    }

    @Test("a site's inventory of the same nodes renews their records; a page read before keeps what it said")
    func inventoryInPlace() {
        var index = NodeIndex((0..<6).map { Self.node("n\($0)", site: $0 < 3 ? "s1" : "s2") })
        let before = index.page(after: nil, limit: 100, site: nil).items
        index.replace(site: "s1", with: (0..<3).reversed().map { Self.node("n\($0)", site: "s1", seconds: 10) })
        let after = index.page(after: nil, limit: 100, site: nil).items
        #expect(after.map(\.id) == ["n0", "n1", "n2", "n3", "n4", "n5"])
        #expect(
            after.map(\.updatedAt.date.timeIntervalSince1970)
                == [10, 10, 10, 0, 0, 0].map {
                    Self.start.date.timeIntervalSince1970 + $0
                })
        #expect(before.allSatisfy { $0.updatedAt == Self.start })
        #expect(index.node(id: "n1")?.updatedAt != Self.start)
        // One node put again on its own site, and one changed on the directly attached nodes.
        index.put(Self.node("n4", site: "s2", zone: "south"))
        #expect(index.page(after: "n3", limit: 1, site: nil).items.first?.labels == ["zone": "south"])
        #expect(Self.all(&index, limit: 2, site: "s2").map(\.labels["zone"]) == ["north", "south", "north"])
    }

    @Test("nodes that come, go or move between sites are listed where they are now")
    func membership() {
        var index = NodeIndex((0..<4).map { Self.node("n\($0)", site: "s1") })
        // s1 loses n3 and gains n9; n0 moves to s2 by a put; a node attached directly arrives.
        index.replace(site: "s1", with: ["n1", "n2", "n9"].map { Self.node($0, site: "s1") })
        index.put(Self.node("n0", site: "s2"))
        index.put(Self.node("d1", site: nil))
        #expect(Self.all(&index, limit: 2).map(\.id) == ["d1", "n0", "n1", "n2", "n9"])
        #expect(Self.all(&index, limit: 2, site: "s1").map(\.id) == ["n1", "n2", "n9"])
        #expect(Self.all(&index, limit: 2, site: "s2").map(\.id) == ["n0"])
        #expect(index.node(id: "n3") == nil)
        // The same number of nodes, but not the same ones, is a change of membership too.
        index.replace(site: "s1", with: ["n1", "n2", "n7"].map { Self.node($0, site: "s1") })
        #expect(Self.all(&index, limit: 100, site: "s1").map(\.id) == ["n1", "n2", "n7"])
        #expect(Self.all(&index, limit: 100).map(\.id) == ["d1", "n0", "n1", "n2", "n7"])
        // Nodes attached directly are replaced as a group of their own.
        index.replace(site: nil, with: [Self.node("d2", site: nil)])
        #expect(Self.all(&index, limit: 100).map(\.id) == ["d2", "n0", "n1", "n2", "n7"])
    }
}
