/// A parent's answer to a ``SyncRequest``: the desired states that differ from what the child holds, and the
/// deployments it should remove.
public struct SyncResponse: Sendable, Hashable, Codable {
    /// The desired state of every deployment whose generation differs from the child's.
    public var desiredStates: [FleetDesiredState]
    /// The deployments the child holds that it should remove.
    public var removals: [FleetRemoval]

    /// Creates a response.
    public init(desiredStates: [FleetDesiredState] = [], removals: [FleetRemoval] = []) {
        self.desiredStates = desiredStates
        self.removals = removals
    }

    /// The difference between what the parent wants (`desired`, one state per deployment) and what the child holds
    /// (`applied`), both sorted by deployment name. A deployment the child holds but the parent does not want is
    /// removed at the generation the child holds, so a child that has meanwhile received a newer one keeps it.
    public init(desired: [FleetDesiredState], applied: [String: Int64]) {
        let wanted = Set(desired.map(\.deployment))
        self.desiredStates = desired.filter { applied[$0.deployment] != $0.generation }
            .sorted { $0.deployment < $1.deployment }
        self.removals = applied.filter { !wanted.contains($0.key) }
            .map { FleetRemoval(deployment: $0.key, generation: $0.value) }
            .sorted { $0.deployment < $1.deployment }
    }
}
