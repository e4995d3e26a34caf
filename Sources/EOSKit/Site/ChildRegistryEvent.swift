public import EOSModel

/// A change in a ``ChildRegistry`` its owner may act on, delivered by ``ChildRegistry/events()``.
///
/// Events say which child changed, so an owner does not have to compare the whole registry: an LO pushes desired
/// state to a node that registered again (it may have restarted with an empty runtime), and moves `Replicas`
/// workloads off a node that went `Offline`. The registry stays the truth; an event is a prompt to look.
public enum ChildRegistryEvent: Sendable, Hashable {
    /// A child the registry did not know registered.
    case registered(RegisteredChild)
    /// A known child registered again: it reconnected, or restarted.
    case reregistered(RegisteredChild)
    /// A child's liveness changed: it fell silent (`Unknown`, then `Offline`) as found by
    /// ``ChildRegistry/refreshLiveness(at:)``, or it was heard from again (`Ready`).
    case livenessChanged(RegisteredChild, LivenessStatus)
    /// The owner removed a child from the registry (``ChildRegistry/forget(kind:id:)``).
    case forgotten(RegisteredChild)

    /// The child the event is about, as the registry held it at the time.
    public var child: RegisteredChild {
        switch self {
        case .registered(let child), .reregistered(let child), .forgotten(let child): child
        case .livenessChanged(let child, _): child
        }
    }
}
