import EOSModel
import EOSSite
import Foundation
import Testing

@Suite("SiteStore")
struct SiteStoreTests {
    static func status(
        _ node: String, _ deployment: String, _ generation: Int64, _ state: MargoDeploymentState
    ) -> NodeDeploymentStatus {
        NodeDeploymentStatus(
            deployment: deployment, observedGeneration: generation, nodeID: node, state: state,
            observedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_000)), reportedBy: "node/\(node)")
    }

    @Test("what each node holds follows applies, registrations and statuses, and reads the same after a reopen")
    func appliedAcrossReopen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "eos-site-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SiteStore(directory: directory)
        #expect(try store.applied().isEmpty)

        // An apply the node took, one it was told to remove, and what a node said when it registered.
        try store.setApplied(1, of: "hello", on: "edge-01")
        try store.setApplied(4, of: "vision", on: "edge-01")
        try store.setApplied(nil, of: "vision", on: "edge-01")
        try store.replaceApplied(["hello": 1, "vision": 2], on: "edge-02")
        try store.replaceApplied([:], on: "edge-03")
        // Statuses: a newer generation observed, a removal, and a pending state that holds nothing yet.
        try store.record([
            Self.status("edge-01", "hello", 2, .installed),
            Self.status("edge-02", "vision", 2, .removed),
            Self.status("edge-03", "hello", 2, .pending),
        ])
        let expected: [String: [String: Int64]] = ["edge-01": ["hello": 2], "edge-02": ["hello": 1]]
        #expect(try store.applied() == expected)
        #expect(try SiteStore(directory: directory).applied() == expected)

        // Removing what a node holds last leaves no entry for the node.
        try store.setApplied(nil, of: "hello", on: "edge-02")
        #expect(try store.applied() == ["edge-01": ["hello": 2]])
        #expect(try SiteStore(directory: directory).applied() == ["edge-01": ["hello": 2]])
    }
}
