public import EOSMargo
public import EOSModel
public import EOSSecurity

/// What the Edge Node answers its parent's `EdgeNode` calls with: an apply or removal is on disk in the
/// ``EdgeStore`` before it is acknowledged, and wakes the reconcile loop.
public struct EdgeNodeCalls: EdgeNodeHandler {
    let store: EdgeStore
    let reconciler: EdgeReconciler
    let wake: @Sendable () -> Void

    /// Records one generation of a deployment's desired state; the same generation again is `unchanged`, an older
    /// one is refused as stale.
    public func applyDeploy(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        try apply(desiredState)
    }

    /// Forgets a deployment; its workloads are stopped and removed by the next pass.
    public func removeDeploy(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        try remove(removal)
    }

    /// Records a desired state, from a call or from a sync with the upstream.
    func apply(_ desiredState: FleetDesiredState) throws(MargoError) -> ApplyResult {
        // Remembered before the store wakes the reconcile loop, which may start the workloads at once.
        reconciler.traces.remember(deployment: desiredState.deployment, generation: desiredState.generation)
        let result = try stored { () throws(EdgeStoreError) in try store.apply(desiredState) }
        try Self.refuseStale(result, desiredState.deployment, desiredState.generation)
        if result.outcome == .accepted { wake() }
        return result
    }

    /// Records a removal, from a call or from a sync with the upstream.
    func remove(_ removal: FleetRemoval) throws(MargoError) -> ApplyResult {
        let result = try stored { () throws(EdgeStoreError) in try store.remove(removal) }
        try Self.refuseStale(result, removal.deployment, removal.generation)
        if result.outcome == .accepted { wake() }
        return result
    }

    /// The node's latest report on `deployments` (all when empty).
    public func nodeStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> NodeStatus {
        await reconciler.status(of: deployments)
    }

    private static func refuseStale(_ result: ApplyResult, _ deployment: String, _ generation: Int64) throws(MargoError)
    {
        guard result.outcome == .stale else { return }
        throw MargoError(
            code: .staleGeneration,
            message: "\(deployment): generation \(generation) is older than the node's \(result.generation)")
    }

    private func stored<T>(_ body: () throws(EdgeStoreError) -> T) throws(MargoError) -> T {
        do {
            return try body()
        } catch {
            throw MargoError(code: .remoteFailure, message: "the node cannot record the change: \(error)")
        }
    }
}
