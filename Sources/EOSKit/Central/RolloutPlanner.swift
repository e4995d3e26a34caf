public import EOSModel

/// Decides how a deployment's rollout moves: which targeted nodes are released to the new generation now, when a
/// `Canary` wave may be followed by the next, and when the rollout is complete, failed or due a rollback. Pure: the
/// same inputs give the same decision, so every rule is unit-tested, and the ``DeploymentController`` only carries
/// decisions out.
///
/// - Nodes are taken in the order of their site and then their id, so a wave finishes one site before it starts
///   the next and a canary's blast radius stays small.
/// - `AllAtOnce`, and every rollback, release all targeted nodes.
/// - `Rolling` releases nodes while fewer than `maxUnavailable` released, reachable nodes have not reported the
///   generation installed.
/// - `Canary` releases `steps[k]` of the targeted nodes in wave `k`; the next wave starts once every reachable
///   node released so far reports the generation installed (at least one), and has for `minReadySeconds`.
/// - A node that is not `Ready` is counted apart, never as installed or failed: it holds no slot and does not stop
///   a wave, and it is released once every reachable node is, so it catches up when it returns.
/// - More failed nodes among those released than `failureThreshold` allows stops the rollout (`Failed`), and with
///   `autoRollback` asks for a rollback to the previous generation.
/// - A rollout that has released every node is `Complete` (a rollback: `RolledBack`) while every reachable
///   targeted node reports the generation installed; a complete one is `Degraded` while one does not (it failed
///   since, or it joined later and is still installing).
/// - A paused or failed rollout releases nothing.
public struct RolloutPlanner: Sendable {
    /// A node the deployment targets, as the central sees it.
    public struct Target: Sendable, Hashable {
        /// The node.
        public var nodeID: String
        /// The site it belongs to; `nil` for a node attached to the central directly.
        public var siteID: String?
        /// Whether the node is heard from, through its site when it has one.
        public var liveness: NodeLiveness

        /// Creates a target.
        public init(nodeID: String, siteID: String?, liveness: NodeLiveness) {
            self.nodeID = nodeID
            self.siteID = siteID
            self.liveness = liveness
        }
    }

    /// What the planner decided.
    public struct Decision: Sendable, Hashable {
        /// The rollout's new state.
        public var state: RolloutState
        /// Whether the deployment should now roll back to ``RolloutState/previousGeneration``.
        public var rollback: Bool
    }

    /// The deployment's rollout policy.
    public var policy: RolloutPolicy
    /// Every node the deployment targets.
    public var targets: [Target]
    /// Each targeted node's latest report on the deployment, by node.
    public var statuses: [String: NodeDeploymentStatus]

    /// Creates a planner.
    public init(policy: RolloutPolicy, targets: [Target], statuses: [String: NodeDeploymentStatus]) {
        self.policy = policy
        self.targets = targets.sorted { ($0.siteID ?? "", $0.nodeID) < ($1.siteID ?? "", $1.nodeID) }
        self.statuses = statuses
    }

    /// How many waves the rollout has: the canary steps, the `maxUnavailable` batches of a rolling update, or one.
    public var waveCount: Int {
        switch policy.strategy {
        case .allAtOnce: 1
        case .canary: max(1, policy.steps.count)
        case .rolling: max(1, (targets.count + batchSize - 1) / batchSize)
        }
    }

    /// The wave `state` is at, from 1, as `GET /status` reports it.
    public func wave(of state: RolloutState) -> Int {
        switch policy.strategy {
        case .allAtOnce: 1
        case .canary: min(state.step + 1, waveCount)
        case .rolling: max(1, min(waveCount, (state.admitted.count + batchSize - 1) / batchSize))
        }
    }

    /// The next state of the rollout in `state`, at `now`.
    public func advance(_ state: RolloutState, now: Timestamp) -> Decision {
        var next = state
        switch state.phase {
        case .paused, .failed:
            return Decision(state: state, rollback: false)
        case .progressing, .complete, .degraded, .rolledBack:
            break
        }
        let targeted = Set(targets.map(\.nodeID))
        next.admitted.formIntersection(targeted)
        // A node reporting on the generation has it, whatever the record says.
        next.admitted.formUnion(targets.filter { report($0, state.generation) != nil }.map(\.nodeID))

        let released = targets.filter { next.admitted.contains($0.nodeID) }
        let failed = released.filter { isReachable($0) && report($0, state.generation) == .failed }
        if next.phase == .progressing, failed.count > policy.failureThreshold.floor(of: released.count) {
            next.phase = .failed
            next.readySince = nil
            next.reason = failureReason(failed, of: released.count, generation: state.generation)
            return decided(
                next, from: state, now: now, rollback: policy.autoRollback && state.previousGeneration != nil)
        }

        if state.rollbackOf != nil || policy.strategy == .allAtOnce {
            next.admitted = targeted
        } else if policy.strategy == .rolling {
            releaseRolling(&next)
        } else {
            releaseCanary(&next, now: now)
        }

        let settled = targets.allSatisfy { target in
            !isReachable(target)
                || (next.admitted.contains(target.nodeID) && report(target, state.generation) == .installed)
        }
        if next.admitted == targeted, settled {
            next.phase = state.rollbackOf != nil ? .rolledBack : .complete
        } else if state.phase == .complete || state.phase == .degraded {
            next.phase = .degraded
        }
        return decided(next, from: state, now: now, rollback: false)
    }

    /// `2 of 4 released nodes failed generation 3: site-1-node-1: manifest unknown; …`, naming at most three.
    private func failureReason(_ failed: [Target], of released: Int, generation: Int64) -> String {
        let named = failed.prefix(3).map { target in
            "\(target.nodeID): \(statuses[target.nodeID]?.message ?? "failed")"
        }
        let more = failed.count > 3 ? "; and \(failed.count - 3) more" : ""
        return "\(failed.count) of \(released) released nodes failed generation \(generation): "
            + named.joined(separator: "; ") + more
    }

    // MARK: Strategies

    private var batchSize: Int { max(1, policy.maxUnavailable.resolve(against: targets.count)) }

    private func releaseRolling(_ state: inout RolloutState) {
        let busy = targets.filter {
            state.admitted.contains($0.nodeID) && isReachable($0) && report($0, state.generation) != .installed
        }
        var slots = batchSize - busy.count
        for target in targets where slots > 0 && !state.admitted.contains(target.nodeID) && isReachable(target) {
            state.admitted.insert(target.nodeID)
            slots -= 1
        }
        releaseUnreachableWhenReachableAreReleased(&state)
    }

    private func releaseCanary(_ state: inout RolloutState, now: Timestamp) {
        let steps = policy.steps.isEmpty ? [Percentage(100)!] : policy.steps
        state.step = min(state.step, steps.count - 1)
        state.admitted.formUnion(targets.prefix(steps[state.step].of(targets.count)).map(\.nodeID))
        let wave = targets.filter { state.admitted.contains($0.nodeID) && isReachable($0) }
        let ready = !wave.isEmpty && wave.allSatisfy { report($0, state.generation) == .installed }
        guard ready else {
            state.readySince = nil
            return
        }
        let since = state.readySince ?? now
        state.readySince = since
        guard state.step + 1 < steps.count,
            now.date.timeIntervalSince(since.date) >= Double(policy.minReadySeconds)
        else {
            if state.step + 1 == steps.count { releaseUnreachableWhenReachableAreReleased(&state) }
            return
        }
        state.step += 1
        state.readySince = nil
        state.admitted.formUnion(targets.prefix(steps[state.step].of(targets.count)).map(\.nodeID))
    }

    /// Once every reachable node is released, the unreachable ones are too: their sites update them when they return.
    private func releaseUnreachableWhenReachableAreReleased(_ state: inout RolloutState) {
        guard targets.allSatisfy({ !isReachable($0) || state.admitted.contains($0.nodeID) }) else { return }
        state.admitted.formUnion(targets.map(\.nodeID))
    }

    // MARK: Reading the nodes

    private func isReachable(_ target: Target) -> Bool { target.liveness == .ready }

    /// The node's state on this generation: `nil` until it reports on it.
    private func report(_ target: Target, _ generation: Int64) -> MargoDeploymentState? {
        guard let status = statuses[target.nodeID], status.observedGeneration == generation else { return nil }
        return status.state
    }

    private func decided(_ next: RolloutState, from state: RolloutState, now: Timestamp, rollback: Bool) -> Decision {
        var next = next
        if next != state { next.updatedAt = now }
        return Decision(state: next, rollback: rollback)
    }
}
