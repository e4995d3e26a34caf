/// Something a user of the central's API may do. Every REST route and every GraphQL field and mutation needs one.
public enum Permission: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Read the registry, the deployments and their status.
    case read
    /// Post a FleetDeployment (a new deployment or a new generation of one).
    case deploy
    /// Remove a deployment from its nodes.
    case remove
    /// Return a deployment to its previous generation.
    case rollback
    /// Hold a rollout where it is.
    case pause
    /// Continue a held rollout.
    case resume

    /// The permission's name, as problems and logs print it.
    public var description: String { rawValue }
}
