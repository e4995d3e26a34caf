/// The state of a deployment, or of one of its components, as Margo reports it.
///
/// EOS reports its own deployments in these words too, so a Margo client reads EOS status unchanged.
public enum MargoDeploymentState: String, DocumentEnum {
    /// Accepted, not yet started.
    case pending
    /// Being installed or updated.
    case installing
    /// Installed and running as desired.
    case installed
    /// Installation, update or removal failed; the error says why.
    case failed
    /// Being removed.
    case removing
    /// Removed.
    case removed

    /// Whether the state is final until the desired state changes: installed, failed or removed.
    public var isSettled: Bool {
        switch self {
        case .installed, .failed, .removed: return true
        case .pending, .installing, .removing: return false
        }
    }
}
