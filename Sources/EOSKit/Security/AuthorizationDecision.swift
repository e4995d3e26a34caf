/// What ``PeerAuthorization`` decided about one call.
public enum AuthorizationDecision: Sendable, Hashable, CustomStringConvertible {
    /// The caller may make the call.
    case allow
    /// The caller may not; `reason` says why, in words fit for the log and the `PERMISSION_DENIED` status.
    case deny(reason: String)

    /// Whether the call is allowed.
    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    /// `allow`, or `deny: REASON`.
    public var description: String {
        switch self {
        case .allow: "allow"
        case .deny(let reason): "deny: \(reason)"
        }
    }
}
