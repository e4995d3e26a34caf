public import EOSKit
import Foundation

/// What every ``FleetRegistry`` must do, as one runnable suite: a new implementation (PostgreSQL, or an embedder's
/// own) passes it before it replaces ``SQLiteFleetRegistry``.
///
/// ```swift
/// @Test func conformance() async throws {
///     try await FleetRegistryConformance { try MyRegistry(fresh: true) }.run()
/// }
/// ```
///
/// Each check takes a fresh registry from `makeRegistry`, and ``run()`` throws a ``ConformanceFailure`` naming the
/// first rule broken; it needs no test framework.
public struct FleetRegistryConformance: Sendable {
    /// A rule a registry broke.
    public struct ConformanceFailure: Error, CustomStringConvertible {
        /// The rule and what was seen.
        public let description: String
    }

    private let makeRegistry: @Sendable () async throws -> any FleetRegistry
    private let start = Timestamp(rfc3339: "2026-11-29T10:00:00Z")!

    /// Creates the suite over registries from `makeRegistry`, which must answer a new, empty one each time.
    public init(_ makeRegistry: @escaping @Sendable () async throws -> any FleetRegistry) {
        self.makeRegistry = makeRegistry
    }

    /// Runs every check; throws at the first rule broken.
    public func run() async throws {
        try await generations()
        try await removal()
        try await paging()
        try await rollouts()
        try await rollbacks()
        try await sitesAndNodes()
        try await statuses()
        try await audit()
    }

    // MARK: Checks

    private func generations() async throws {
        let registry = try await makeRegistry()
        let first = try await registry.putDeployment(
            name: "vision", spec: Self.spec("v1"), labels: ["team": "ml"], by: "alice", at: start)
        try check(first.generation == 1, "a first spec is generation 1, not \(first.generation)")
        let same = try await registry.putDeployment(
            name: "vision", spec: Self.spec("v1"), labels: ["team": "ml"], by: "bob", at: start)
        try check(same == first, "the same spec again changes nothing: \(same)")
        let second = try await registry.putDeployment(
            name: "vision", spec: Self.spec("v2"), labels: ["team": "ml"], by: "bob", at: start)
        try check(second.generation == 2 && second.createdBy == "bob", "a new spec is generation 2 by bob: \(second)")
        let relabelled = try await registry.putDeployment(
            name: "vision", spec: Self.spec("v2"), labels: ["team": "vision"], by: "bob", at: start)
        try check(relabelled.generation == 3, "new labels are a new generation: \(relabelled.generation)")
        let latest = try await registry.deployment(named: "vision")
        try check(latest == relabelled, "the latest generation is the last recorded: \(String(describing: latest))")
        let old = try await registry.deployment(named: "vision", generation: 1)
        try check(old == first, "every generation is kept: \(String(describing: old))")
        let missing = try await registry.deployment(named: "vision", generation: 9)
        try check(missing == nil, "a generation never recorded is nil")
        let unknown = try await registry.deployment(named: "nothing")
        try check(unknown == nil, "an unknown deployment is nil")
    }

    private func removal() async throws {
        let registry = try await makeRegistry()
        _ = try await registry.putDeployment(name: "d", spec: Self.spec("v1"), labels: [:], by: "alice", at: start)
        let removed = try await registry.removeDeployment(name: "d", by: "carol", at: start)
        try check(removed.removed && removed.generation == 2, "a removal is the next generation: \(removed)")
        try await expectFailure(.conflict, "removing a removed deployment") {
            _ = try await registry.removeDeployment(name: "d", by: "carol", at: start)
        }
        try await expectFailure(.notFound, "removing an unknown deployment") {
            _ = try await registry.removeDeployment(name: "nothing", by: "carol", at: start)
        }
        let listed = try await registry.deployments(after: nil, limit: 10, includeRemoved: false)
        try check(listed.items.isEmpty, "a removed deployment is not listed: \(listed.items.map(\.name))")
        let all = try await registry.deployments(after: nil, limit: 10, includeRemoved: true)
        try check(all.items.map(\.generation) == [2], "asked for, it is listed as its removal: \(all.items)")
        let again = try await registry.putDeployment(
            name: "d", spec: Self.spec("v1"), labels: [:], by: "alice", at: start)
        try check(again.generation == 3 && !again.removed, "deploying again continues the generations: \(again)")
    }

    private func paging() async throws {
        let registry = try await makeRegistry()
        for name in ["e", "a", "d", "b", "c"] {
            _ = try await registry.putDeployment(name: name, spec: Self.spec("v1"), labels: [:], by: "a", at: start)
        }
        _ = try await registry.putDeployment(name: "c", spec: Self.spec("v2"), labels: [:], by: "a", at: start)
        var names: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await registry.deployments(after: cursor, limit: 2, includeRemoved: false)
            try check(page.items.count <= 2, "a page holds at most its limit")
            names += page.items.map(\.name)
            if page.items.contains(where: { $0.name == "c" && $0.generation != 2 }) {
                throw ConformanceFailure(description: "a list shows each deployment's latest generation")
            }
            cursor = page.next
            pages += 1
        } while cursor != nil && pages < 10
        try check(names == ["a", "b", "c", "d", "e"], "pages cover every deployment once, by name: \(names)")
        try check(pages == 3, "five deployments two to a page are three pages, not \(pages)")
    }

    private func rollouts() async throws {
        let registry = try await makeRegistry()
        _ = try await registry.putDeployment(name: "d", spec: Self.spec("v1"), labels: [:], by: "alice", at: start)
        let none = try await registry.rollout(of: "d")
        try check(none == nil, "no rollout before the first is stored")
        var state = RolloutState(deployment: "d", generation: 1, admitted: ["n1", "n2"], updatedAt: start)
        try await registry.putRollout(state, audit: nil)
        state.phase = .paused
        state.pausedFrom = .progressing
        try await registry.putRollout(
            state,
            audit: AuditEntry(at: start, actor: "bob", action: .pause, deployment: "d", generation: 1, detail: "paused")
        )
        let stored = try await registry.rollout(of: "d")
        try check(stored == state, "the last rollout state stored is read back whole: \(String(describing: stored))")
        try await expectFailure(.conflict, "a rollout of a generation that does not exist") {
            try await registry.putRollout(RolloutState(deployment: "d", generation: 5, updatedAt: start), audit: nil)
        }
        let unchanged = try await registry.rollout(of: "d")
        try check(unchanged == state, "a refused rollout leaves the stored one alone")
    }

    private func rollbacks() async throws {
        let registry = try await makeRegistry()
        _ = try await registry.putDeployment(
            name: "d", spec: Self.spec("v1"), labels: ["v": "1"], by: "alice", at: start)
        _ = try await registry.putDeployment(name: "d", spec: Self.spec("v2"), labels: [:], by: "alice", at: start)
        let (record, rollout) = try await registry.putRollback(
            of: "d", generation: 2, to: 1, reason: "canary failed", by: "eos", at: start)
        try check(
            record.generation == 3 && record.spec == Self.spec("v1") && record.labels == ["v": "1"]
                && record.createdBy == "eos",
            "a rollback of generation 2 to 1 is generation 3 with the spec and labels of 1: \(record)")
        try check(
            rollout.generation == 3 && rollout.rollbackOf == 2 && rollout.reason == "canary failed",
            "the restored generation's rollout says what it rolled back and why: \(rollout)")
        let stored = try await registry.rollout(of: "d")
        try check(stored == rollout, "the rollback's rollout is stored with it: \(String(describing: stored))")
        let latest = try await registry.latestAudit(of: "d", limit: 1)
        try check(
            latest.map(\.action) == [.rollback] && latest.map(\.generation) == [3] && latest.map(\.actor) == ["eos"],
            "a rollback is logged with who made it: \(latest)")

        try await expectFailure(.conflict, "a rollback of a generation that is no longer the latest") {
            _ = try await registry.putRollback(of: "d", generation: 2, to: 1, reason: "late", by: "eos", at: start)
        }
        try await expectFailure(.notFound, "a rollback to a generation that does not exist") {
            _ = try await registry.putRollback(of: "d", generation: 3, to: 9, reason: "none", by: "eos", at: start)
        }
        _ = try await registry.removeDeployment(name: "d", by: "alice", at: start)
        try await expectFailure(.conflict, "a rollback of a removal") {
            _ = try await registry.putRollback(of: "d", generation: 4, to: 3, reason: "gone", by: "eos", at: start)
        }
        _ = try await registry.putDeployment(name: "d", spec: Self.spec("v5"), labels: [:], by: "alice", at: start)
        try await expectFailure(.notFound, "a rollback to a removal") {
            _ = try await registry.putRollback(of: "d", generation: 5, to: 4, reason: "back", by: "eos", at: start)
        }
        let after = try await registry.deployment(named: "d")
        let afterRollout = try await registry.rollout(of: "d")
        try check(
            after?.generation == 5 && afterRollout == rollout,
            "refused rollbacks change nothing: generation \(String(describing: after?.generation))")
    }

    private func sitesAndNodes() async throws {
        let registry = try await makeRegistry()
        let site = SiteRecord(
            id: "store-0042", labels: ["region": "eu"], endpoint: "10.0.0.1:7443", registeredAt: start,
            lastSeen: start)
        try await registry.putSite(site)
        try await registry.putSite(SiteRecord(id: "store-0001", registeredAt: start, lastSeen: start))
        let read = try await registry.site(id: "store-0042")
        try check(read == site, "a site is read back whole: \(String(describing: read))")
        let sites = try await registry.sites(after: nil, limit: 1)
        try check(sites.items.map(\.id) == ["store-0001"] && sites.next == "store-0001", "sites page by id: \(sites)")
        let rest = try await registry.sites(after: sites.next, limit: 1)
        try check(rest.items.map(\.id) == ["store-0042"] && rest.next == nil, "the last page has no next: \(rest)")

        let ready = LivenessStatus(liveness: .ready, lastSeen: start)
        try await registry.replaceNodes(
            of: "store-0042",
            with: ["n1", "n2", "n3"].map {
                NodeRecord(id: $0, siteID: "store-0042", labels: ["line": "1"], liveness: ready, updatedAt: start)
            })
        try await registry.putNode(NodeRecord(id: "solo", siteID: nil, liveness: ready, updatedAt: start))
        try await registry.replaceNodes(
            of: "store-0042",
            with: [NodeRecord(id: "n2", siteID: "store-0042", liveness: ready, updatedAt: start)])
        let atSite = try await registry.nodes(after: nil, limit: 10, site: "store-0042")
        try check(atSite.items.map(\.id) == ["n2"], "replacing a site's nodes forgets the unlisted: \(atSite.items)")
        let all = try await registry.nodes(after: nil, limit: 10, site: nil)
        try check(all.items.map(\.id) == ["n2", "solo"], "a node attached directly is kept: \(all.items.map(\.id))")
        // A node that moves to another site leaves the first.
        try await registry.replaceNodes(
            of: "store-0001", with: [NodeRecord(id: "n2", siteID: nil, liveness: ready, updatedAt: start)])
        let moved = try await registry.node(id: "n2")
        try check(moved?.siteID == "store-0001", "a node listed by another site moves: \(String(describing: moved))")
        let left = try await registry.nodes(after: nil, limit: 10, site: "store-0042")
        try check(left.items.isEmpty, "a moved node is no longer at its old site")
    }

    private func statuses() async throws {
        let registry = try await makeRegistry()
        let later = Timestamp(start.date.addingTimeInterval(5))
        let installing = Self.status("n1", generation: 2, .installing, at: start)
        let installed = Self.status("n1", generation: 2, .installed, at: later)
        try await registry.recordStatuses([installing, installed, Self.status("n2", generation: 2, .failed, at: start)])
        var stored = try await registry.statuses(of: "d")
        try check(stored.map(\.state) == [.installed, .failed], "the latest per node wins, by node: \(stored)")
        let keyed = try await registry.statusesByNode(of: "d")
        try check(
            keyed == ["n1": installed, "n2": Self.status("n2", generation: 2, .failed, at: start)],
            "the same statuses keyed by node: \(keyed)")
        try check(try await registry.statusesByNode(of: "other").isEmpty, "an unknown deployment has no statuses")
        // An older report arriving late does not replace a newer one.
        try await registry.recordStatuses([Self.status("n1", generation: 1, .installed, at: later), installing])
        stored = try await registry.statuses(of: "d")
        try check(stored.first == installed, "a late, older report is ignored: \(String(describing: stored.first))")
        try await registry.recordStatuses([Self.status("n2", generation: 3, .removed, at: later)])
        stored = try await registry.statuses(of: "d")
        try check(stored.map(\.nodeID) == ["n1"], "a removed report forgets the pair: \(stored.map(\.nodeID))")
        let keyedNow = try await registry.statusesByNode(of: "d")
        try check(keyedNow.keys.sorted() == ["n1"], "keyed, a removed report forgets the pair: \(keyedNow.keys)")
        try check(keyed.count == 2, "statuses read before a change keep what they said: \(keyed.keys)")
        let node = try await registry.statuses(ofNode: "n1")
        try check(node == [installed], "a node's statuses are its latest per deployment")
    }

    private func audit() async throws {
        let registry = try await makeRegistry()
        _ = try await registry.putDeployment(name: "a", spec: Self.spec("v1"), labels: [:], by: "alice", at: start)
        _ = try await registry.putDeployment(name: "b", spec: Self.spec("v1"), labels: [:], by: "bob", at: start)
        _ = try await registry.removeDeployment(name: "a", by: "carol", at: start)
        let all = try await registry.audit(of: nil, after: 0, limit: 10)
        try check(
            all.map(\.actor) == ["alice", "bob", "carol"] && all.map(\.action) == [.deploy, .deploy, .remove],
            "every change is logged in order with who made it: \(all.map { "\($0.actor) \($0.action)" })")
        try check(
            all.map(\.sequence) == all.map(\.sequence).sorted() && Set(all.map(\.sequence)).count == 3
                && !all.contains { $0.sequence == 0 },
            "entries are numbered in order: \(all.map(\.sequence))")
        let ofA = try await registry.audit(of: "a", after: 0, limit: 10)
        try check(ofA.map(\.generation) == [1, 2], "a deployment's log holds only its own entries: \(ofA)")
        let after = try await registry.audit(of: nil, after: all[0].sequence, limit: 1)
        try check(after.map(\.actor) == ["bob"], "the log pages by sequence: \(after.map(\.actor))")
        _ = try await registry.putDeployment(name: "a", spec: Self.spec("v2"), labels: [:], by: "dave", at: start)
        let latest = try await registry.latestAudit(of: "a", limit: 2)
        try check(
            latest.map(\.actor) == ["carol", "dave"] && latest.map(\.generation) == [2, 3],
            "the latest entries of one deployment come oldest first: \(latest.map { "\($0.actor) \($0.generation)" })")
        let whole = try await registry.latestAudit(of: "b", limit: 10)
        try check(whole.map(\.actor) == ["bob"], "fewer entries than asked for are all of them: \(whole)")
    }

    // MARK: Helpers

    private static func spec(_ version: String) -> FleetDeploymentSpec {
        FleetDeploymentSpec(
            workloads: [Workload(name: "app", kind: .process(ProcessSpec(command: ["/usr/bin/app", version])))])
    }

    private static func status(
        _ node: String, generation: Int64, _ state: MargoDeploymentState, at time: Timestamp
    ) -> NodeDeploymentStatus {
        NodeDeploymentStatus(
            deployment: "d", observedGeneration: generation, nodeID: node, siteID: "store-0042", state: state,
            observedAt: time, reportedBy: "node/\(node)")
    }

    private func check(_ condition: Bool, _ rule: @autoclosure () -> String) throws {
        guard condition else { throw ConformanceFailure(description: rule()) }
    }

    private func expectFailure(
        _ code: FleetRegistryError.Code, _ what: String, _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as FleetRegistryError where error.code == code {
            return
        } catch {
            throw ConformanceFailure(description: "\(what) must fail \(code), not with \(error)")
        }
        throw ConformanceFailure(description: "\(what) must fail \(code), but it succeeded")
    }
}
