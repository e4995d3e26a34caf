/// One change to the fleet, who made it and when: what the central's audit log holds.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// What kind of change.
    public enum Action: String, DocumentEnum {
        /// A deployment's spec was posted: a new generation.
        case deploy
        /// A deployment was removed.
        case remove
        /// A rollout was rolled back to an earlier generation.
        case rollback
        /// A rollout was paused.
        case pause
        /// A paused rollout was resumed.
        case resume
        /// A rollout moved to another phase or wave by itself.
        case progress
    }

    /// The entry's place in the log, from 1; 0 for an entry not yet appended.
    public var sequence: Int64
    /// When the change was made.
    public var at: Timestamp
    /// Who made it: a user's name, or `eos` for the central itself.
    public var actor: String
    /// What kind of change.
    public var action: Action
    /// The deployment it concerns.
    public var deployment: String
    /// The generation it concerns.
    public var generation: Int64
    /// What happened, in words.
    public var detail: String

    /// Creates an entry.
    public init(
        sequence: Int64 = 0, at: Timestamp, actor: String, action: Action, deployment: String, generation: Int64,
        detail: String = ""
    ) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.deployment = deployment
        self.generation = generation
        self.detail = detail
    }
}
