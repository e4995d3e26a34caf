public import EOSModel

/// Where an ``UpstreamIntake`` hands the deployment statuses children report: an LO's outbox and site cache, the
/// CO's rollout status.
///
/// Reports from one child arrive in the order of their sequence, each once: a report replayed after a reconnect or
/// a parent restart is recognised and not passed on again. The intake records a report as taken only after
/// ``receive(_:from:)`` returns, so a sink that throws gets the report again when the child resends it; a parent that
/// crashes between the two may see one report twice, and a sink keeping the latest status per node and deployment
/// (``NodeDeploymentStatus/supersedes(_:)``) is unaffected.
public protocol ChildStatusSink: Sendable {
    /// Takes the statuses of one report from `child` (a node about itself, a site about its nodes), or of several
    /// consecutive reports, in their order, when they arrived while the ones before were being taken.
    func receive(_ statuses: [NodeDeploymentStatus], from child: RegisteredChild) async throws
}
