internal import EOSSecurity
internal import Synchronization

/// The identity allowed to call an Edge Node: configured, remembered from an earlier run, or learned from the
/// first upstream the node reaches; once known it does not change while the node runs.
final class KnownParent: Sendable {
    private let identity: Mutex<SPIFFEIdentity?>

    init(_ identity: SPIFFEIdentity?) { self.identity = Mutex(identity) }

    /// The parent, once known.
    var current: SPIFFEIdentity? { identity.withLock { $0 } }

    /// Takes `candidate` as the parent if none is known yet; returns whether it did.
    func learn(_ candidate: SPIFFEIdentity) -> Bool {
        identity.withLock { known in
            guard known == nil else { return false }
            known = candidate
            return true
        }
    }
}
