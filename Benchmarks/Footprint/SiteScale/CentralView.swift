import DaemonMeasurement
import EOSKit
import EOSTesting
import Foundation

/// What the central stand-in has heard, read as the benchmark's finish lines.
struct CentralView {
    let central: RecordingUpstream

    /// The latest status the central holds for `deployment`, by node.
    func latest(of deployment: String) -> [String: NodeDeploymentStatus] {
        var latest: [String: NodeDeploymentStatus] = [:]
        for status in central.statuses(of: deployment) { latest[status.nodeID] = status }
        return latest
    }

    /// Waits until `condition` holds for the latest status of all `count` nodes, polling every 5 ms for at most
    /// `limit`; answers how long it took from `start`.
    func waitUntil(
        _ what: String, deployment: String, count: Int, since start: ContinuousClock.Instant,
        limit: Duration = .seconds(300), _ condition: @Sendable (NodeDeploymentStatus) -> Bool
    ) async throws -> Duration {
        while ContinuousClock.now - start < limit {
            let latest = latest(of: deployment)
            if latest.count == count, latest.values.allSatisfy(condition) { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(5))
        }
        let latest = latest(of: deployment)
        let done = latest.values.filter(condition).count
        let missing = latest.values.filter { !condition($0) }.sorted { $0.nodeID < $1.nodeID }.prefix(5).map {
            "\($0.nodeID): generation \($0.observedGeneration) \($0.state)"
        }
        throw MeasurementError(
            "\(what): \(done) of \(count) nodes after \(limit); for example \(missing)")
    }
}
