internal import EOSMargo
internal import EOSModel
internal import Foundation
internal import Logging

/// Carries out the site's plan: applies and removals to nodes, at most `concurrency` calls at once and one per
/// node, a node that fails retried after a jittered, growing delay. A node attached over its own connection
/// (``ChildAttachments``) is called there; any other is dialled at the endpoint it registered.
///
/// Passes never wait for calls: a pass plans from the store and the registry afresh, starts the due actions of the
/// nodes that have no call in progress, and ends. Each finished call wakes the next pass. A node that does not
/// answer holds up only its own actions until its call's deadline, never the rest of the site. A node that
/// registers, returns, restarts empty or goes `Offline` is handled by the next pass.
///
/// Passes are at least ``minimumSpacing`` apart, and at least twice as long as the last pass took, so the calls
/// that end together in a rollout are planned for in one pass rather than one pass each: a pass reads the whole
/// site, so at 500 nodes and 64 calls at once, a pass per finished call was a tenth of the site's CPU during a
/// rollout; and a site whose passes are slow (a large site, a busy host) spends at most about a third of its time
/// planning.
actor SiteReconciler {
    /// The least time from one pass to the next.
    static let minimumSpacing = Duration.milliseconds(5)

    private struct Retry {
        var failures: Int
        var notBefore: ContinuousClock.Instant
    }

    private let calls: LocalOrchestratorCalls
    private let connections: ChildConnections
    private let attachments: ChildAttachments
    private let policy: MargoCallPolicy
    private let concurrency: Int
    private let maximumDelay: Duration
    private let logger: Logger
    private var retries: [String: Retry] = [:]
    /// The nodes with a call in progress, and the deployment each call is about.
    private var inFlight: [String: String] = [:]

    init(
        calls: LocalOrchestratorCalls, connections: ChildConnections, attachments: ChildAttachments,
        policy: MargoCallPolicy, concurrency: Int, maximumDelay: Duration, logger: Logger
    ) {
        self.calls = calls
        self.connections = connections
        self.attachments = attachments
        self.policy = policy
        self.concurrency = max(1, concurrency)
        self.maximumDelay = maximumDelay
        self.logger = logger
    }

    /// Runs passes until cancelled: one whenever `wake` is signalled (by a change, a status, a node joining or a
    /// call finishing), when a retry falls due, and every `interval` otherwise.
    func run(wake: ReconcileSignal, interval: Duration, clock: any Clock<Duration>) async {
        await withDiscardingTaskGroup { group in
            var lastPass: ContinuousClock.Instant?
            var spacing = Self.minimumSpacing
            while !Task.isCancelled {
                if let lastPass, case let since = ContinuousClock.now - lastPass, since < spacing {
                    try? await Task.sleep(for: spacing - since)
                }
                let passStarted = ContinuousClock.now
                lastPass = passStarted
                let (started, retryDue) = pass()
                spacing = max(Self.minimumSpacing, (ContinuousClock.now - passStarted) * 2)
                for action in started {
                    group.addTask {
                        let error = await self.perform(action)
                        await self.finish(action, error: error)
                        wake.signal()
                    }
                }
                await wake.wait(
                    upTo: min(interval, retryDue.map { max($0, .milliseconds(10)) } ?? interval), clock: clock)
            }
            group.cancelAll()
        }
    }

    /// Plans, and marks the actions it starts as in flight; answers them and how soon a waiting retry falls due.
    private func pass() -> (started: [SitePlanner.Action], retryDue: Duration?) {
        _ = calls.registry.refreshLiveness(at: .now)
        let plan: SitePlanner.Plan
        do {
            plan = try calls.plan(inFlight: inFlight)
            for (deployment, nodes) in plan.placements {
                try calls.store.setPlacement(nodes, of: deployment)
                logger.info("placed replicas", metadata: ["deployment": "\(deployment)", "nodes": "\(nodes.sorted())"])
            }
        } catch {
            logger.error("cannot plan the site", metadata: ["error": "\(error)"])
            return ([], .seconds(5))
        }
        let now = ContinuousClock.now
        var started: [SitePlanner.Action] = []
        for action in plan.actions where inFlight.count < concurrency {
            guard inFlight[action.node] == nil, retries[action.node].map({ $0.notBefore <= now }) ?? true else {
                continue
            }
            inFlight[action.node] = action.deployment
            started.append(action)
        }
        let retryDue = retries.filter { inFlight[$0.key] == nil }.values.map(\.notBefore).min()
        return (started, retryDue.map { max(.zero, now.duration(to: $0)) })
    }

    private func finish(_ action: SitePlanner.Action, error: (any Error)?) {
        inFlight[action.node] = nil
        guard let error else {
            retries[action.node] = nil
            return
        }
        var retry = retries[action.node] ?? Retry(failures: 0, notBefore: .now)
        retry.failures += 1
        let ceiling = min(Double(maximumDelay.components.seconds), 0.2 * pow(2, Double(min(retry.failures, 16))))
        retry.notBefore = .now + .milliseconds(Int(ceiling * Double.random(in: 0.5...1) * 1000))
        retries[action.node] = retry
        logger.warning(
            "a node did not take its change",
            metadata: [
                "node": "\(action.node)", "deployment": "\(action.deployment)", "error": "\(error)",
                "attempt": "\(retry.failures)",
            ])
    }

    private nonisolated func perform(_ action: SitePlanner.Action) async -> (any Error)? {
        guard let child = calls.registry.child(kind: .node, id: action.node) else {
            return MargoError(code: .unavailable, message: "node \(action.node) has not registered")
        }
        let client: any EdgeCaller
        if let attached = attachments.child(action.node), !attached.hasEnded {
            client = attached
        } else if let text = child.endpoint, let endpoint = try? MargoEndpoint(parsing: text) {
            do {
                client = EdgeClient(try await connections.client(for: action.node, at: endpoint), policy: policy)
            } catch {
                return error
            }
        } else {
            // A node neither attached nor reachable pulls its state with Sync instead.
            return nil
        }
        do {
            switch action {
            case .apply(let node, let state):
                let result = try await calls.traces.withSpan(
                    "ApplyDeploy", deployment: state.deployment, generation: state.generation, tier: "site",
                    attributes: ["eos.node": node]
                ) { _ in try await client.applyDeploy(state) }
                let held = max(result.generation, state.generation)
                try await calls.store.setApplied(held, of: state.deployment, on: node)
                // What the node holds now, as its next heartbeat would have it: a heartbeat then finds nothing to
                // sync, where the node would otherwise pull the very state it was just given.
                _ = try? await calls.registry.updateAppliedGeneration(
                    held, of: state.deployment, kind: .node, id: node)
            case .remove(let node, let removal):
                _ = try await client.removeDeploy(removal)
                try await calls.store.setApplied(nil, of: removal.deployment, on: node)
                _ = try? await calls.registry.updateAppliedGeneration(
                    nil, of: removal.deployment, kind: .node, id: node)
            }
            return nil
        } catch let error as MargoError where error.code == .staleGeneration {
            // The node holds something newer than this site: it is the node's word that counts, and asking again
            // would only be refused again.
            logger.warning(
                "a node holds a newer generation", metadata: ["node": "\(action.node)", "error": "\(error)"])
            if case .apply(let node, let state) = action {
                try? await calls.store.setApplied(state.generation, of: state.deployment, on: node)
            }
            return nil
        } catch {
            return error
        }
    }
}
