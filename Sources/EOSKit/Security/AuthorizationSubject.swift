/// The child an `Upstream` request claims to be about: the site or node id a `Register`, `Heartbeat`,
/// `ReportStatus`, `ReportTelemetry` or `Sync` names.
public enum AuthorizationSubject: Sendable, Hashable, CustomStringConvertible {
    /// A site, by id.
    case site(String)
    /// A node, by id.
    case node(String)

    /// `site ID` or `node ID`.
    public var description: String {
        switch self {
        case .site(let id): "site \(id)"
        case .node(let id): "node \(id)"
        }
    }
}
