internal import EOSModel
internal import EOSSite

/// What the central answers its children with: each site's and each directly attached node's desired state, from
/// the deployment controller's last ``FleetPlan``, and the statuses they report, into the registry.
final class CentralCalls: ChildDesiredStates, ChildStatusSink {
    private let controller: DeploymentController
    private let registry: any FleetRegistry
    private let metrics: CentralMetrics
    private let wake: @Sendable () -> Void

    init(
        controller: DeploymentController, registry: any FleetRegistry, metrics: CentralMetrics,
        wake: @escaping @Sendable () -> Void
    ) {
        self.controller = controller
        self.registry = registry
        self.metrics = metrics
        self.wake = wake
    }

    func desiredGenerations(for child: RegisteredChild) async throws -> [String: Int64] {
        try await states(for: child).mapValues(\.generation)
    }

    func sync(applied: [String: Int64], for child: RegisteredChild) async throws -> SyncResponse {
        SyncResponse(desired: Array(try await states(for: child).values), applied: applied)
    }

    func receive(_ statuses: [NodeDeploymentStatus], from child: RegisteredChild) async throws {
        metrics.received(statuses: statuses.count)
        try await registry.recordStatuses(statuses)
        wake()
    }

    private func states(for child: RegisteredChild) async throws -> [String: FleetDesiredState] {
        let plan = try await controller.currentPlan()
        return (child.kind == .site ? plan.sites[child.id] : plan.directNodes[child.id]) ?? [:]
    }
}
