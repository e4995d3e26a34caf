internal import EOSMargo
internal import EOSModel
internal import Foundation
internal import Logging

/// Carries out the site's plan: applies and removals to nodes, at most `concurrency` at once, a node that fails
/// retried after a jittered, growing delay. Each pass plans from the store and the registry afresh, so a node that
/// registers, returns, restarts empty or goes `Offline` is handled by the next pass.
actor SiteReconciler {
    private struct Retry {
        var failures: Int
        var notBefore: ContinuousClock.Instant
    }

    private let calls: LocalOrchestratorCalls
    private let connections: NodeConnections
    private let concurrency: Int
    private let maximumDelay: Duration
    private let logger: Logger
    private var retries: [String: Retry] = [:]

    init(
        calls: LocalOrchestratorCalls, connections: NodeConnections, concurrency: Int, maximumDelay: Duration,
        logger: Logger
    ) {
        self.calls = calls
        self.connections = connections
        self.concurrency = max(1, concurrency)
        self.maximumDelay = maximumDelay
        self.logger = logger
    }

    /// One pass; answers how soon the next is due for a retry, if one is waiting.
    func reconcile() async -> Duration? {
        _ = calls.registry.refreshLiveness(at: .now)
        let plan: SitePlanner.Plan
        do {
            plan = try calls.plan()
            for (deployment, nodes) in plan.placements {
                try calls.store.setPlacement(nodes, of: deployment)
                logger.info("placed replicas", metadata: ["deployment": "\(deployment)", "nodes": "\(nodes.sorted())"])
            }
        } catch {
            logger.error("cannot plan the site", metadata: ["error": "\(error)"])
            return .seconds(5)
        }
        let now = ContinuousClock.now
        let due = plan.actions.filter { retries[$0.node].map { $0.notBefore <= now } ?? true }
        let outcomes = await withTaskGroup(of: (SitePlanner.Action, (any Error)?).self) { group in
            var outcomes: [(SitePlanner.Action, (any Error)?)] = []
            var iterator = due.makeIterator()
            for _ in 0..<concurrency {
                guard let action = iterator.next() else { break }
                group.addTask { await (action, self.perform(action)) }
            }
            for await outcome in group {
                outcomes.append(outcome)
                if let action = iterator.next() { group.addTask { await (action, self.perform(action)) } }
            }
            return outcomes
        }
        for (action, error) in outcomes {
            if let error {
                var retry = retries[action.node] ?? Retry(failures: 0, notBefore: now)
                retry.failures += 1
                let ceiling = min(
                    Double(maximumDelay.components.seconds), 0.2 * pow(2, Double(min(retry.failures, 16))))
                retry.notBefore = .now + .milliseconds(Int(ceiling * Double.random(in: 0.5...1) * 1000))
                retries[action.node] = retry
                logger.warning(
                    "a node did not take its change",
                    metadata: [
                        "node": "\(action.node)", "deployment": "\(action.deployment)", "error": "\(error)",
                        "attempt": "\(retry.failures)",
                    ])
            } else {
                retries[action.node] = nil
            }
        }
        return retries.values.map { $0.notBefore }.min().map { max(.zero, ContinuousClock.now.duration(to: $0)) }
    }

    private func perform(_ action: SitePlanner.Action) async -> (any Error)? {
        guard let child = calls.registry.child(kind: .node, id: action.node) else {
            return MargoError(code: .unavailable, message: "node \(action.node) has not registered")
        }
        guard let text = child.endpoint, let endpoint = try? MargoEndpoint(parsing: text) else {
            // A node that gave no endpoint pulls its state with Sync instead.
            return nil
        }
        do {
            let client = try await connections.client(for: action.node, at: endpoint)
            switch action {
            case .apply(let node, let state):
                let result = try await client.applyDeploy(state)
                try calls.store.setApplied(max(result.generation, state.generation), of: state.deployment, on: node)
            case .remove(let node, let removal):
                _ = try await client.removeDeploy(removal)
                try calls.store.setApplied(nil, of: removal.deployment, on: node)
            }
            return nil
        } catch let error as MargoError where error.code == .staleGeneration {
            // The node holds something newer than this site: it is the node's word that counts, and asking again
            // would only be refused again.
            logger.warning(
                "a node holds a newer generation", metadata: ["node": "\(action.node)", "error": "\(error)"])
            if case .apply(let node, let state) = action {
                try? calls.store.setApplied(state.generation, of: state.deployment, on: node)
            }
            return nil
        } catch {
            return error
        }
    }
}
