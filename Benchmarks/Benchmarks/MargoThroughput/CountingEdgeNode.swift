import EOSMargo
import EOSModel
import EOSSecurity
import Synchronization

/// An Edge Node that accepts every apply and only counts them, so a benchmark measures the transport, not the
/// node.
final class CountingEdgeNode: EdgeNodeHandler {
    /// How many applies arrived.
    let applies = Atomic<Int>(0)

    func applyDeploy(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        applies.add(1, ordering: .relaxed)
        return ApplyResult(outcome: .accepted, generation: desiredState.generation)
    }

    func removeDeploy(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        ApplyResult(outcome: .accepted, generation: removal.generation)
    }

    func nodeStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> NodeStatus {
        NodeStatus(nodeID: "edge-01", liveness: nil, deployments: [])
    }
}
