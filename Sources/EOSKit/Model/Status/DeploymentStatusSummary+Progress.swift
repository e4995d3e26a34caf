extension DeploymentStatusSummary {
    /// Where a rollout that someone waits for stands: still going, done well, or done badly.
    public enum WaitOutcome: Sendable, Hashable {
        /// Not settled yet: the generation is not reported on, or nodes are still being released or installed
        /// (or the rollout is paused or degraded, which someone may still mend).
        case waiting
        /// Every reachable targeted node runs the generation (`Complete`).
        case converged
        /// The rollout stopped (`Failed`) or was returned to the previous generation (`RolledBack`).
        case failed
        /// Someone deployed a newer generation before this one settled.
        case superseded
    }

    /// How a wait for `generation` (the one a deploy was accepted as) ends with this status.
    ///
    /// A status of an older generation is still waiting: the central has not rolled the new one out yet. A
    /// rollback of the generation is recorded as a newer one (``RolloutProgress/rollbackOf``), which ends the wait
    /// as failed as soon as it starts.
    public func waitOutcome(for generation: Int64) -> WaitOutcome {
        guard self.generation >= generation else { return .waiting }
        if self.generation > generation {
            return rollout.rollbackOf == generation ? .failed : .superseded
        }
        switch phase {
        case .rolledBack: return .failed
        case .complete: return .converged
        case .failed: return .failed
        case .progressing, .paused, .degraded: return .waiting
        }
    }

    /// One line on the rollout, as `eosd dev --apply` and `eosctl deploy --wait` print it:
    /// `hello generation 2: Progressing, 3/4 installed, 1 installing, 0 failed, 0 unreachable (Canary wave 1/3)`.
    public var progressLine: String {
        var parts = ["\(nodes.installed)/\(nodes.targeted) installed"]
        if nodes.installing > 0 { parts.append("\(nodes.installing) installing") }
        if nodes.pending > 0 { parts.append("\(nodes.pending) pending") }
        parts.append("\(nodes.failed) failed")
        parts.append("\(nodes.unreachable) unreachable")
        return "\(name) generation \(generation): \(phase.rawValue), \(parts.joined(separator: ", "))"
            + " (\(rollout.strategy.rawValue) wave \(rollout.step)/\(rollout.steps))"
    }
}
