internal import EOSMargo
internal import EOSModel
internal import EOSSite
internal import Foundation
internal import GRPCCore
internal import Logging

/// Carries every deployment's rollout forward: on each pass it reads the registry, asks the ``RolloutPlanner``
/// where each rollout goes next, records the decision, rolls back when the planner says so, works out the
/// ``FleetPlan`` and pushes to each site what it lacks (`DeployFleet`, `RemoveFleet`). Sites it does not hear from
/// are not called; they catch up by themselves when they return (`Register`, `Sync`).
///
/// Everything it decides is in the registry before it acts on it, so a central that restarts continues every
/// rollout where it was.
actor DeploymentController {
    private let registry: any FleetRegistry
    private let children: ChildRegistry
    private let connections: ChildConnections
    private let policy: MargoCallPolicy
    private let logger: Logger
    /// The last plan worked out; what children's `Register` and `Sync` are answered from.
    private var plan = FleetPlan()
    /// Whether a pass has worked out ``plan`` since the central started.
    private var planned = false
    /// What each site acknowledged, by site and deployment, since it last registered.
    private var acknowledged: [String: [String: FleetDesiredState]] = [:]
    /// The trace each generation was deployed in, which its pushes to sites join.
    nonisolated let traces = DeploymentTraces()

    init(
        registry: any FleetRegistry, children: ChildRegistry, connections: ChildConnections, policy: MargoCallPolicy,
        logger: Logger
    ) {
        self.registry = registry
        self.children = children
        self.connections = connections
        self.policy = policy
        self.logger = logger
    }

    /// Runs passes until cancelled: whenever `wake` is signalled and every `interval` otherwise.
    ///
    /// Under a storm of status reports, each of which wakes it, the controller still spends at most about a third
    /// of its time deciding: after a pass has decided, it lets twice as long as the deciding took (20 ms at least)
    /// go by before the next pass, and the reports that arrive meanwhile are taken in by that one pass. The time a
    /// pass then spends waiting for its sites to take their changes counts towards that rest, not towards the
    /// deciding: sites slow to answer in a busy fleet must not hold the next rollout back for twice as long. An
    /// operator's change (`operatorChange`) ends the rest at once: the spacing is for the storm, not for the people.
    /// Both the deciding and the rest are measured on `clock`.
    func run(
        wake: ReconcileSignal, operatorChange: ReconcileSignal, interval: Duration, clock: any Clock<Duration>
    ) async {
        await run(wake: wake, operatorChange: operatorChange, interval: interval, on: clock)
    }

    private func run(
        wake: ReconcileSignal, operatorChange: ReconcileSignal, interval: Duration, on clock: some Clock<Duration>
    ) async {
        while !Task.isCancelled {
            let started = clock.now
            var decided = started
            do {
                let (plan, fleet) = try await decide()
                decided = clock.now
                await push(plan, fleet: fleet)
            } catch {
                decided = clock.now
                logger.error("the deployment controller could not finish a pass", metadata: ["error": "\(error)"])
            }
            await wake.wait(upTo: interval, clock: clock)
            let rest = max(.milliseconds(20), started.duration(to: decided) * 2) - decided.duration(to: clock.now)
            if rest > .zero { await operatorChange.wait(upTo: rest, clock: clock) }
        }
    }

    /// What each child should hold. Before the first pass since the central started, a pass is made first: an empty
    /// plan would tell a site that reconnects after a restart of the central to remove everything.
    func currentPlan() async throws -> FleetPlan {
        if !planned { try await pass() }
        return plan
    }

    /// Forgets what `site` acknowledged: it registered again and may hold anything.
    func siteRegistered(_ site: String) {
        acknowledged[site] = nil
    }

    /// One pass over every deployment: decides, then pushes to each site what it lacks.
    func pass() async throws {
        let (plan, fleet) = try await decide()
        await push(plan, fleet: fleet)
    }

    /// Decides where every deployment's rollout goes next, records it, and keeps the plan the children are
    /// answered from; answers the plan and the fleet it was decided on.
    private func decide() async throws -> (FleetPlan, FleetSnapshot) {
        let now = Timestamp.now
        let fleet = try await FleetSnapshot.read(registry, children: children, at: now)
        var plan = FleetPlan()
        for latest in fleet.deployments where !latest.removed {
            var record = latest
            let targets = fleet.targets(of: record.spec.target)
            var state = try await rollout(of: record, now: now)
            while true {
                let statuses = try await registry.statusesByNode(of: record.name)
                let decision = RolloutPlanner(policy: record.spec.rollout, targets: targets, statuses: statuses)
                    .advance(state, now: now)
                if decision.state != state {
                    // An operator may have paused, resumed or rolled back the rollout since this pass read it: their
                    // word stands, this pass plans from what it read without recording its decision, and the next
                    // pass decides from theirs.
                    if let stored = try await registry.rollout(of: record.name),
                        stored.generation != state.generation || stored.phase != state.phase
                    {
                        break
                    }
                    let moved = decision.state.phase != state.phase || decision.state.step != state.step
                    try await registry.putRollout(
                        decision.state,
                        audit: moved
                            ? AuditEntry(
                                at: now, actor: "eos", action: .progress, deployment: record.name,
                                generation: record.generation,
                                detail: "\(decision.state.phase.rawValue), wave \(decision.state.step + 1)") : nil)
                    state = decision.state
                }
                guard decision.rollback, let previous = state.previousGeneration else { break }
                // The restored generation is planned in this same pass, so no child is ever told the deployment
                // is gone in between.
                do {
                    (record, state) = try await rollBack(
                        record, to: previous, by: "eos", reason: state.reason ?? "the rollout failed", at: now)
                } catch let error as FleetRegistryError where error.code == .conflict {
                    // An operator deployed, removed or rolled back since this pass read the deployment: the next
                    // pass plans their generation.
                    break
                }
            }
            var previous: DeploymentRecord?
            if let generation = state.previousGeneration {
                previous = try await registry.deployment(named: record.name, generation: generation)
            }
            plan.add(record, targets: targets, rollout: state, previous: previous)
        }
        self.plan = plan
        planned = true
        return (plan, fleet)
    }

    /// Records `record`'s generation rolled back: the spec of `generation` becomes the next generation, released
    /// to every node at once. Fails `conflict` when `record` is no longer the latest generation.
    @discardableResult
    func rollBack(
        _ record: DeploymentRecord, to generation: Int64, by actor: String, reason: String, at now: Timestamp
    ) async throws -> (DeploymentRecord, RolloutState) {
        let (restored, state) = try await registry.putRollback(
            of: record.name, generation: record.generation, to: generation, reason: reason, by: actor, at: now)
        logger.warning(
            "rolled back",
            metadata: ["deployment": "\(record.name)", "from": "\(record.generation)", "to": "\(generation)"])
        return (restored, state)
    }

    /// The rollout of `record`'s generation, starting one when there is none yet.
    private func rollout(of record: DeploymentRecord, now: Timestamp) async throws -> RolloutState {
        if let state = try await registry.rollout(of: record.name), state.generation == record.generation {
            return state
        }
        let before = try await registry.deployment(named: record.name, generation: record.generation - 1)
        let state = RolloutState(
            deployment: record.name, generation: record.generation,
            previousGeneration: before.flatMap { $0.removed ? nil : $0.generation }, updatedAt: now)
        try await registry.putRollout(state, audit: nil)
        return state
    }

    // MARK: Pushing to sites

    private func push(_ plan: FleetPlan, fleet: FleetSnapshot) async {
        await withTaskGroup(of: Void.self) { group in
            // Only sites heard from: a call to a silent one would hold the pass until its deadline, and a site that
            // returns registers and syncs by itself.
            for site in fleet.sites where site.liveness.liveness == .ready {
                guard let text = site.child.endpoint, let endpoint = try? MargoEndpoint(parsing: text) else { continue }
                let wanted = plan.sites[site.child.id, default: [:]]
                let held = site.child.appliedGenerations
                let known = acknowledged[site.child.id, default: [:]]
                let deploys = wanted.values.filter { known[$0.deployment] != $0 }.sorted {
                    $0.deployment < $1.deployment
                }
                let removals = fleet.deployments.filter { record in
                    record.removed && (held[record.name].map { $0 < record.generation } ?? false)
                }.map { FleetRemoval(deployment: $0.name, generation: $0.generation) }
                guard !deploys.isEmpty || !removals.isEmpty else { continue }
                group.addTask {
                    await self.push(deploys, removals, to: site.child.id, at: endpoint)
                }
            }
        }
    }

    private func push(
        _ deploys: [FleetDesiredState], _ removals: [FleetRemoval], to site: String, at endpoint: MargoEndpoint
    ) async {
        do {
            let client = MargoClient(try await connections.client(for: site, at: endpoint), policy: policy)
            for state in deploys {
                let result = try await traces.withSpan(
                    "DeployFleet", deployment: state.deployment, generation: state.generation, tier: "central",
                    attributes: ["eos.site": site]
                ) { _ in try await client.deployFleet(state) }
                acknowledged[site, default: [:]][state.deployment] = state
                _ = try? await children.updateAppliedGeneration(
                    max(result.generation, state.generation), of: state.deployment, kind: .site, id: site)
            }
            for removal in removals {
                _ = try await client.removeFleet(removal)
                acknowledged[site, default: [:]][removal.deployment] = nil
                _ = try? await children.updateAppliedGeneration(nil, of: removal.deployment, kind: .site, id: site)
            }
        } catch {
            logger.warning("a site did not take its change", metadata: ["site": "\(site)", "error": "\(error)"])
        }
    }
}
