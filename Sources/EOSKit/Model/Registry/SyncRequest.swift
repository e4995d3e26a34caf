/// A child asking its parent which desired states it is missing: it sends the generations it holds.
public struct SyncRequest: Sendable, Hashable, Codable {
    /// Site or node.
    public var kind: ChildKind
    /// The child's id.
    public var id: String
    /// The generation of each deployment the child holds, by deployment name.
    public var appliedGenerations: [String: Int64]

    /// Creates a request.
    public init(kind: ChildKind, id: String, appliedGenerations: [String: Int64] = [:]) {
        self.kind = kind
        self.id = id
        self.appliedGenerations = appliedGenerations
    }
}
