public import Foundation

/// Something a runtime noticed about a workload without being asked, so the Edge Node can react at once instead
/// of at its next periodic check.
public struct RuntimeEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        /// The workload started.
        case started
        /// The workload exited with this code.
        case exited(code: Int32)
    }

    /// The workload's runtime id.
    public var id: String
    /// What happened.
    public var kind: Kind
    /// When the runtime saw it.
    public var at: Date

    /// Creates an event.
    public init(id: String, kind: Kind, at: Date = Date()) {
        self.id = id
        self.kind = kind
        self.at = at
    }
}
