public import EOSMargo
public import EOSModel
public import EOSRuntime
internal import Foundation
public import Logging
internal import Synchronization
internal import Tracing

/// The Edge Node's control loop: keeps the runtime converged on the stored desired state and turns every change
/// it sees into a status report in the node's outbox.
///
/// One pass (``reconcile()``) reads the desired state from the ``EdgeStore``, asks the runtime what it holds,
/// lets the ``WorkloadSupervisor`` decide, carries the actions out (a few at a time), runs due health checks,
/// and queues a report for each deployment whose status changed (`installing`, then `installed` or `failed`,
/// workload exits, restarts, health; `removing`, then `removed`). The node runs a pass whenever something
/// happens (an apply, a runtime event) and at least every reconcile interval.
public actor EdgeReconciler {
    private let nodeID: String
    private let store: EdgeStore
    private let runtime: any EdgeRuntime
    private let logger: Logger
    private let started = ContinuousClock.now
    private var supervisor: WorkloadSupervisor
    private var reported: [String: NodeDeploymentStatus] = [:]
    private var persistedRestarts: [String: Int]
    private let maximumConcurrentActions = 4
    /// The trace each generation arrived in, which starting its workloads joins.
    public nonisolated let traces = DeploymentTraces()
    private nonisolated let telemetryEndpoint = Mutex<String?>(nil)

    /// Where the node takes OTLP/HTTP from its workloads (`http://127.0.0.1:4318`): each workload created from now
    /// on gets the OpenTelemetry SDK's variables pointing there, with its deployment and name as resource attributes.
    public nonisolated func setTelemetryEndpoint(_ endpoint: String?) {
        telemetryEndpoint.withLock { $0 = endpoint }
    }

    /// Who the reports say they come from: `node/ID`.
    public var reporter: String { "node/\(nodeID)" }

    /// Creates the loop for node `nodeID`.
    public init(
        nodeID: String, store: EdgeStore, runtime: any EdgeRuntime, backoff: RestartBackoff = RestartBackoff(),
        logger: Logger
    ) throws(EdgeStoreError) {
        self.nodeID = nodeID
        self.store = store
        self.runtime = runtime
        self.logger = logger
        let restarts = try store.restartCounts()
        self.reported = try store.lastReported()
        self.persistedRestarts = restarts
        self.supervisor = WorkloadSupervisor(backoff: backoff, restarts: restarts)
    }

    /// How long since the loop was created, the supervisor's notion of now.
    private var now: Duration { started.duration(to: .now) }

    /// Runs one pass; returns how many reports it queued and when the next one is due at the latest.
    @discardableResult
    public func reconcile() async -> (queued: Int, nextDue: Duration?) {
        let desired: [FleetDesiredState]
        do {
            desired = try store.desiredStates()
        } catch {
            logger.error("cannot read the desired state", metadata: ["error": "\(error)"])
            return (0, .seconds(5))
        }
        let otlp = telemetryEndpoint.withLock { $0 }
        let instances = desired.filter { $0.includes(nodeID: nodeID) }.flatMap { state in
            state.spec.workloads.map { workload in
                var environment = ["EOS_NODE_ID": nodeID, "EOS_DEPLOYMENT": state.deployment]
                if let otlp {
                    // The OpenTelemetry SDKs' own variables, and Margo's name for the HTTP endpoint.
                    environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp
                    environment["HTTP_OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp
                    environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf"
                    environment["OTEL_SERVICE_NAME"] = workload.name
                    environment["OTEL_RESOURCE_ATTRIBUTES"] =
                        "eos.node=\(nodeID),eos.deployment=\(state.deployment),eos.workload=\(workload.name)"
                }
                return WorkloadInstance(
                    deployment: state.deployment, generation: state.generation, workload: workload,
                    environment: environment)
            }
        }
        var observed: [WorkloadInspection]
        do {
            observed = try await runtime.list()
        } catch {
            if error.code != .cancelled {
                logger.error("the runtime cannot list its workloads", metadata: ["error": "\(error)"])
            }
            return (0, .seconds(5))
        }
        var queued = 0
        let actions = supervisor.plan(desired: instances, observed: observed, now: now)
        if !actions.isEmpty {
            queued += queueChanges(desired: desired, observed: observed)
            await perform(actions)
            if let refreshed = try? await runtime.list() {
                observed = refreshed
                supervisor.observe(observed)
            }
        }
        await probe()
        if Task.isCancelled {
            // The node is stopping and cut this pass short: what the runtime said meanwhile (calls ended by the
            // cancellation) is not the workloads' state, so nothing is reported; the next start looks again.
            persistRestarts()
            return (queued, nil)
        }
        queued += queueChanges(desired: desired, observed: observed)
        persistRestarts()
        let after = now
        return (queued, supervisor.nextDue(after: after).map { $0 - after })
    }

    /// The node's current report on `deployments`, or on all of them when the list is empty.
    public func status(of deployments: [String]) -> NodeStatus {
        let wanted = Set(deployments)
        let reports = reported.values.filter { wanted.isEmpty || wanted.contains($0.deployment) }
            .sorted { $0.deployment < $1.deployment }
        return NodeStatus(nodeID: nodeID, liveness: nil, deployments: reports)
    }

    private func perform(_ actions: [WorkloadSupervisor.Action]) async {
        let runtime = self.runtime
        var results: [(WorkloadSupervisor.Action, Result<Void, RuntimeError>)] = []
        for batch in stride(from: 0, to: actions.count, by: maximumConcurrentActions) {
            let slice = actions[batch..<min(batch + maximumConcurrentActions, actions.count)]
            await withTaskGroup(of: (WorkloadSupervisor.Action, Result<Void, RuntimeError>).self) { group in
                for action in slice {
                    group.addTask { [traces] in (action, await Self.carryOut(action, on: runtime, traces: traces)) }
                }
                for await result in group { results.append(result) }
            }
        }
        for (action, outcome) in results {
            if case .failure(let error) = outcome {
                // Stopped by the node's shutdown, not failed: neither a backoff nor a `failed` report.
                if error.code == .cancelled && Task.isCancelled { continue }
                logger.warning(
                    "runtime action failed", metadata: ["workload": "\(action.id)", "error": "\(error)"])
            }
            supervisor.record(action, outcome: outcome, now: now)
        }
    }

    private static func carryOut(
        _ action: WorkloadSupervisor.Action, on runtime: any EdgeRuntime, traces: DeploymentTraces
    ) async -> Result<Void, RuntimeError> {
        // Installing a generation's workload ends its deployment's trace: the span covers the image, the create and
        // the start.
        switch action {
        case .install(let instance), .replace(let instance, _):
            return await traces.withSpan(
                "start workload", deployment: instance.deployment, generation: instance.generation, tier: "node",
                kind: .internal, attributes: ["eos.workload": instance.workload.name, "eos.runtime": runtime.name]
            ) { span in
                let outcome = await perform(action, on: runtime)
                if case .failure(let error) = outcome { span.recordError(error) }
                return outcome
            }
        default:
            return await perform(action, on: runtime)
        }
    }

    private static func perform(
        _ action: WorkloadSupervisor.Action, on runtime: any EdgeRuntime
    ) async -> Result<Void, RuntimeError> {
        do throws(RuntimeError) {
            switch action {
            case .install(let instance):
                try await runtime.ensureImage(for: instance)
                try await runtime.create(instance)
                try await runtime.start(instance.id)
            case .replace(let instance, let timeout):
                try await runtime.stop(instance.id, timeout: timeout)
                try await runtime.remove(instance.id)
                try await runtime.ensureImage(for: instance)
                try await runtime.create(instance)
                try await runtime.start(instance.id)
            case .start(let id, _):
                try await runtime.start(id)
            case .restart(let id, let timeout):
                try await runtime.stop(id, timeout: timeout)
                try await runtime.start(id)
            case .remove(let id, let timeout):
                try await runtime.stop(id, timeout: timeout)
                try await runtime.remove(id)
            }
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    private func probe() async {
        for (id, check) in supervisor.probesDue(now: now) {
            let passed: Bool
            do {
                passed = try await runtime.exec(id, command: check.exec, timeout: .seconds(check.timeoutSeconds))
                    .succeeded
            } catch {
                passed = false
            }
            supervisor.recordProbe(id, passed: passed, now: now)
        }
    }

    /// Queues a report for every deployment whose status changed since the last one; returns how many.
    private func queueChanges(desired: [FleetDesiredState], observed: [WorkloadInspection]) -> Int {
        let time = Date()
        var changes: [NodeDeploymentStatus] = []
        var current = Set<String>()
        for state in desired where state.includes(nodeID: nodeID) {
            current.insert(state.deployment)
            let status = supervisor.status(of: state, nodeID: nodeID, at: time, reportedBy: reporter)
            if Self.differs(status, reported[state.deployment]) { changes.append(status) }
        }
        for (deployment, last) in reported where !current.contains(deployment) {
            let remaining = observed.contains { $0.deployment == deployment }
            let state: MargoDeploymentState = remaining ? .removing : .removed
            let status = NodeDeploymentStatus(
                deployment: deployment, observedGeneration: last.observedGeneration, nodeID: nodeID, state: state,
                workloads: [], observedAt: Timestamp(time), reportedBy: reporter)
            if Self.differs(status, last) { changes.append(status) }
        }
        guard !changes.isEmpty else { return 0 }
        do {
            try store.enqueue(changes)
        } catch {
            logger.error("cannot queue status reports", metadata: ["error": "\(error)"])
            return 0
        }
        for change in changes {
            reported[change.deployment] = change.state == .removed ? nil : change
        }
        return changes.count
    }

    private static func differs(_ status: NodeDeploymentStatus, _ previous: NodeDeploymentStatus?) -> Bool {
        guard var previous else { return true }
        previous.observedAt = status.observedAt
        return previous != status
    }

    private func persistRestarts() {
        let counts = supervisor.restartCounts
        guard counts != persistedRestarts else { return }
        do {
            for (id, restarts) in counts where persistedRestarts[id] != restarts {
                try store.setRestartCount(restarts, for: id)
            }
            for id in persistedRestarts.keys where counts[id] == nil { try store.setRestartCount(nil, for: id) }
            persistedRestarts = counts
        } catch {
            logger.error("cannot record restart counts", metadata: ["error": "\(error)"])
        }
    }
}
