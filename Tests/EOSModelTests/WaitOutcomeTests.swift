import EOSModel
import Foundation
import Testing

/// How a wait for a deployed generation ends, and the progress line `eosctl deploy --wait` prints.
@Suite("DeploymentStatusSummary: wait outcomes and progress lines")
struct WaitOutcomeTests {
    static func summary(
        generation: Int64, phase: DeploymentPhase, rollbackOf: Int64? = nil,
        nodes: RolloutCounts = RolloutCounts(targeted: 4, installed: 3, installing: 1)
    ) -> DeploymentStatusSummary {
        DeploymentStatusSummary(
            name: "hello", generation: generation, phase: phase, nodes: nodes,
            rollout: .init(strategy: .canary, step: 1, steps: 3, rollbackOf: rollbackOf), sites: [],
            updatedAt: Timestamp(Date(timeIntervalSince1970: 0)))
    }

    @Test("older generations wait; Complete converges; Failed and a rollback of it fail; a newer deploy supersedes")
    func outcomes() {
        #expect(Self.summary(generation: 1, phase: .complete).waitOutcome(for: 2) == .waiting)
        #expect(Self.summary(generation: 2, phase: .progressing).waitOutcome(for: 2) == .waiting)
        #expect(Self.summary(generation: 2, phase: .paused).waitOutcome(for: 2) == .waiting)
        #expect(Self.summary(generation: 2, phase: .degraded).waitOutcome(for: 2) == .waiting)
        #expect(Self.summary(generation: 2, phase: .complete).waitOutcome(for: 2) == .converged)
        #expect(Self.summary(generation: 2, phase: .failed).waitOutcome(for: 2) == .failed)
        #expect(Self.summary(generation: 3, phase: .progressing, rollbackOf: 2).waitOutcome(for: 2) == .failed)
        #expect(Self.summary(generation: 3, phase: .rolledBack, rollbackOf: 2).waitOutcome(for: 2) == .failed)
        #expect(Self.summary(generation: 3, phase: .complete).waitOutcome(for: 2) == .superseded)
        #expect(Self.summary(generation: 4, phase: .rolledBack, rollbackOf: 3).waitOutcome(for: 2) == .superseded)
    }

    @Test("the progress line counts what matters and names the wave")
    func progressLine() {
        #expect(
            Self.summary(generation: 2, phase: .progressing).progressLine
                == "hello generation 2: Progressing, 3/4 installed, 1 installing, 0 failed, 0 unreachable "
                + "(Canary wave 1/3)")
        let stuck = Self.summary(
            generation: 2, phase: .progressing,
            nodes: RolloutCounts(targeted: 5, installed: 1, pending: 2, failed: 1, unreachable: 1))
        #expect(
            stuck.progressLine
                == "hello generation 2: Progressing, 1/5 installed, 2 pending, 1 failed, 1 unreachable (Canary wave 1/3)"
        )
    }
}
