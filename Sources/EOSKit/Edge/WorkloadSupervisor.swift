public import EOSModel
public import EOSRuntime
public import Foundation

/// Decides what the runtime must do so that what runs on a node matches what is desired, and what the node
/// reports about it; it performs no I/O.
///
/// The Edge Node feeds it the desired workloads and the runtime's view (``plan(desired:observed:now:)``),
/// carries out the returned actions, and tells it how each went (``record(_:outcome:now:)``) and how health
/// checks went (``recordProbe(_:passed:now:)``). Time is a monotonic offset from the node's start, so tests
/// drive it with plain numbers. What it decides:
///
/// - A workload that is desired but absent is installed (image, create, start); one whose recorded generation
///   differs is replaced; one the runtime holds that nothing desires is stopped and removed.
/// - An exit is restarted per the workload's `restartPolicy` (`Always`; `OnFailure` for a non-zero code;
///   `Never` leaves it exited), after an exponential backoff (``RestartBackoff``) that resets once the workload
///   has run for `resetAfter`. A failed install is retried on the same backoff.
/// - A health check failing `failureThreshold` times in a row marks the workload unhealthy and, unless its
///   policy is `Never`, restarts it.
public struct WorkloadSupervisor: Sendable {
    /// What the runtime must do.
    public enum Action: Sendable, Hashable {
        /// Make the image available, create the workload and start it.
        case install(WorkloadInstance)
        /// Stop and remove the workload the runtime holds, then install this generation in its place.
        case replace(WorkloadInstance, stopTimeout: Duration)
        /// Start a created or exited workload; `isRestart` when it had run before.
        case start(id: String, isRestart: Bool)
        /// Stop a running, unhealthy workload and start it again.
        case restart(id: String, stopTimeout: Duration)
        /// Stop and remove a workload nothing desires.
        case remove(id: String, stopTimeout: Duration)

        /// The runtime id the action is about.
        public var id: String {
            switch self {
            case .install(let instance), .replace(let instance, _): instance.id
            case .start(let id, _), .restart(let id, _), .remove(let id, _): id
            }
        }
    }

    /// What the supervisor tracks for one workload.
    struct Tracked: Sendable {
        var instance: WorkloadInstance
        var observed: WorkloadInspection?
        var restarts: Int
        var consecutiveFailures = 0
        var notBefore: Duration?
        var lastError: String?
        var handledExit: Date?
        var health: WorkloadStatus.Health = .unknown
        var healthFailures = 0
        var nextProbe: Duration?
    }

    /// The backoff for restarts and retried installs.
    public let backoff: RestartBackoff
    private(set) var tracked: [String: Tracked] = [:]
    private var desiredIDs: Set<String> = []
    private var unhealthyRestarts: Set<String> = []

    /// Creates a supervisor; `restarts` are the counts recorded before a node restart, by runtime id.
    public init(backoff: RestartBackoff = RestartBackoff(), restarts: [String: Int] = [:]) {
        self.backoff = backoff
        self.initialRestarts = restarts
    }

    private var initialRestarts: [String: Int]

    /// The restart count of each tracked workload, by runtime id, for the node's store.
    public var restartCounts: [String: Int] { tracked.mapValues(\.restarts) }

    /// The actions that bring the runtime to `desired`, given what it holds (`observed`) at `now`.
    public mutating func plan(
        desired: [WorkloadInstance], observed: [WorkloadInspection], now: Duration
    ) -> [Action] {
        let observedByID = Dictionary(observed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        desiredIDs = Set(desired.map(\.id))
        var actions: [Action] = []

        for inspection in observed where !desiredIDs.contains(inspection.id) {
            let timeout = tracked[inspection.id]?.instance.workload.stopTimeout.duration ?? .seconds(10)
            actions.append(.remove(id: inspection.id, stopTimeout: timeout))
        }
        for id in tracked.keys where !desiredIDs.contains(id) && observedByID[id] == nil { tracked[id] = nil }

        for instance in desired {
            var entry =
                tracked[instance.id]
                ?? Tracked(instance: instance, restarts: initialRestarts[instance.id] ?? 0)
            if entry.instance != instance {
                // A new generation or spec: start afresh, without the old one's backoff.
                entry = Tracked(instance: instance, restarts: 0)
            }
            entry.observed = observedByID[instance.id]
            defer { tracked[instance.id] = entry }
            if let due = entry.notBefore, due > now { continue }
            guard let observed = entry.observed else {
                actions.append(.install(instance))
                continue
            }
            if observed.generation != instance.generation {
                actions.append(.replace(instance, stopTimeout: instance.workload.stopTimeout.duration))
                continue
            }
            switch observed.state {
            case .created:
                actions.append(.start(id: instance.id, isRestart: observed.startedAt != nil))
            case .running:
                if unhealthyRestarts.contains(instance.id) {
                    actions.append(.restart(id: instance.id, stopTimeout: instance.workload.stopTimeout.duration))
                }
            case .exited:
                guard shouldRestart(instance.workload.restartPolicy, exitCode: observed.exitCode) else { continue }
                let newExit =
                    observed.finishedAt.map { $0 != entry.handledExit } ?? (entry.notBefore == nil)
                if newExit {
                    // Wait out the backoff before starting it again.
                    entry.handledExit = observed.finishedAt
                    if let started = observed.startedAt, let finished = observed.finishedAt,
                        Duration.seconds(finished.timeIntervalSince(started)) >= backoff.resetAfter
                    {
                        entry.consecutiveFailures = 0
                    }
                    entry.consecutiveFailures += 1
                    let due = now + backoff.delay(afterFailures: entry.consecutiveFailures)
                    entry.notBefore = due
                    if due > now { continue }
                }
                actions.append(.start(id: instance.id, isRestart: true))
            case .unknown:
                continue
            }
        }
        return actions
    }

    /// Refreshes what the runtime holds without deciding anything, after actions were carried out.
    public mutating func observe(_ observed: [WorkloadInspection]) {
        let observedByID = Dictionary(observed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in tracked.keys { tracked[id]?.observed = observedByID[id] }
    }

    /// Records how an action went.
    public mutating func record(_ action: Action, outcome: Result<Void, RuntimeError>, now: Duration) {
        let id = action.id
        if case .remove = action {
            if case .success = outcome, !desiredIDs.contains(id) { tracked[id] = nil }
            return
        }
        guard var entry = tracked[id] else { return }
        switch outcome {
        case .success:
            entry.lastError = nil
            entry.notBefore = nil
            switch action {
            case .install, .replace:
                entry.consecutiveFailures = 0
                entry.health = .unknown
                entry.healthFailures = 0
                entry.nextProbe = now + .seconds(entry.instance.workload.healthCheck?.initialDelaySeconds ?? 0)
            case .start(_, let isRestart):
                if isRestart { entry.restarts += 1 }
                entry.nextProbe = now + .seconds(entry.instance.workload.healthCheck?.initialDelaySeconds ?? 0)
            case .restart:
                entry.restarts += 1
                entry.health = .unknown
                entry.healthFailures = 0
                unhealthyRestarts.remove(id)
                entry.nextProbe = now + .seconds(entry.instance.workload.healthCheck?.initialDelaySeconds ?? 0)
            case .remove:
                break
            }
        case .failure(let error):
            entry.lastError = error.description
            entry.consecutiveFailures += 1
            entry.notBefore = now + backoff.delay(afterFailures: entry.consecutiveFailures)
        }
        tracked[id] = entry
    }

    /// The health checks due at `now`: running workloads with a check whose period has come.
    public func probesDue(now: Duration) -> [(id: String, check: HealthCheck)] {
        tracked.values.compactMap { entry in
            guard let check = entry.instance.workload.healthCheck, entry.observed?.state == .running,
                let due = entry.nextProbe, due <= now, !unhealthyRestarts.contains(entry.instance.id)
            else { return nil }
            return (entry.instance.id, check)
        }.sorted { $0.id < $1.id }
    }

    /// Records a health check's result; a failure streak reaching the threshold marks the workload unhealthy and
    /// (unless its policy is `Never`) asks for a restart at the next plan.
    public mutating func recordProbe(_ id: String, passed: Bool, now: Duration) {
        guard var entry = tracked[id], let check = entry.instance.workload.healthCheck else { return }
        entry.nextProbe = now + .seconds(check.periodSeconds)
        if passed {
            entry.health = .healthy
            entry.healthFailures = 0
        } else {
            entry.healthFailures += 1
            if entry.healthFailures >= check.failureThreshold {
                entry.health = .unhealthy
                if entry.instance.workload.restartPolicy != .never { unhealthyRestarts.insert(id) }
            }
        }
        tracked[id] = entry
    }

    /// The earliest moment after `now` at which something is due (a backoff ending, a health check), if any.
    public func nextDue(after now: Duration) -> Duration? {
        tracked.values.flatMap { entry -> [Duration] in
            var due: [Duration] = []
            if let notBefore = entry.notBefore, notBefore > now { due.append(notBefore) }
            if entry.instance.workload.healthCheck != nil, entry.observed?.state == .running,
                let probe = entry.nextProbe
            {
                due.append(max(probe, now))
            }
            return due
        }.min()
    }

    /// What the node reports about one deployment: its Margo state and each workload's runtime detail.
    public func status(
        of state: FleetDesiredState, nodeID: String, at time: Date, reportedBy: String
    ) -> NodeDeploymentStatus {
        var workloads: [WorkloadStatus] = []
        var problems: [String] = []
        var settled = true
        for workload in state.spec.workloads {
            let id = WorkloadInstance.id(deployment: state.deployment, workload: workload.name)
            let entry = tracked[id]
            // Only a workload of this generation counts: until a replace is done the runtime holds the previous
            // one, whose running is not this generation's.
            let observed =
                entry?.instance.generation == state.generation && entry?.observed?.generation == state.generation
                ? entry?.observed : nil
            let runState: WorkloadStatus.RunState =
                switch observed?.state {
                case .running?: .running
                case .exited?: .exited
                case .unknown?: .unknown
                case .created?, nil: .pending
                }
            if let error = entry?.lastError { problems.append("\(workload.name): \(error)") }
            switch runState {
            case .running: break
            case .exited where !shouldRestart(workload.restartPolicy, exitCode: observed?.exitCode): break
            default: settled = false
            }
            workloads.append(
                WorkloadStatus(
                    name: workload.name, state: runState, exitCode: observed?.exitCode,
                    restarts: entry?.restarts ?? 0, health: entry?.health ?? .unknown,
                    startedAt: observed?.startedAt.map(Timestamp.init), message: entry?.lastError))
        }
        let margoState: MargoDeploymentState =
            if !problems.isEmpty && !settled { .failed } else if settled { .installed } else { .installing }
        return NodeDeploymentStatus(
            deployment: state.deployment, observedGeneration: state.generation, nodeID: nodeID,
            state: margoState, workloads: workloads,
            message: problems.isEmpty ? nil : problems.joined(separator: "; "), observedAt: Timestamp(time),
            reportedBy: reportedBy)
    }

    private func shouldRestart(_ policy: RestartPolicy, exitCode: Int32?) -> Bool {
        switch policy {
        case .always: true
        case .onFailure: (exitCode ?? 1) != 0
        case .never: false
        }
    }
}
