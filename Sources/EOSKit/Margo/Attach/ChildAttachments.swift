internal import GRPCCore
internal import Synchronization

/// The nodes attached to a parent over their own connections (`Upstream.Attach`), by node id: what a parent asks
/// before it dials a node.
///
/// A parent that takes attachments passes one to its ``UpstreamHandler`` (``UpstreamHandler/attachments``);
/// ``UpstreamService`` then holds an ``AttachedChild`` here for each node's stream while it lasts. A node that
/// attaches again (a new session after its link broke) replaces its older attachment, whose waiting calls fail
/// `unavailable`.
public final class ChildAttachments: Sendable {
    /// The deadline of each call over an attachment.
    public let policy: MargoCallPolicy
    private let attached = Mutex<[String: AttachedChild]>([:])

    /// An empty set of attachments whose calls have `policy`'s deadline.
    public init(policy: MargoCallPolicy = .standard) { self.policy = policy }

    /// The live attachment of node `id`, if it holds one.
    public func child(_ id: String) -> AttachedChild? {
        attached.withLock { $0[id] }
    }

    /// How many nodes are attached.
    public var count: Int { attached.withLock { $0.count } }

    /// Holds a new attachment for node `id`, whose calls go to `writer`, while `carry` runs, in place of any older
    /// one.
    func hold(
        _ id: String, writer: RPCWriter<Eos_Margo_V1_ParentCall>, while carry: (AttachedChild) async throws -> Void
    ) async throws {
        let child = AttachedChild(nodeID: id, policy: policy, writer: writer)
        let replaced = attached.withLock { $0.updateValue(child, forKey: id) }
        replaced?.end()
        defer {
            attached.withLock { attached in
                if attached[id] === child { attached[id] = nil }
            }
            child.end()
        }
        try await carry(child)
    }
}
