internal import Synchronization

/// A value read from a store and kept until the store changes it: reads that outnumber writes by far (a site's
/// desired states, asked on every node heartbeat and reconcile pass) decode it once per change, not once per read.
///
/// A reader that loaded the value while a writer changed it does not keep what it loaded: each change bumps a
/// version, and a load is kept only when no change happened since it began. The owner calls ``invalidate()`` after
/// every committed write that changes the value.
public final class ReadThroughCache<Value: Sendable>: Sendable {
    private struct State {
        var version = 0
        var value: Value?
    }

    private let state = Mutex(State())

    /// An empty cache.
    public init() {}

    /// The cached value, or what `load` returns, kept for the next reader unless the value changed meanwhile.
    public func value<Failure: Error>(_ load: () throws(Failure) -> Value) throws(Failure) -> Value {
        let (version, cached) = state.withLock { ($0.version, $0.value) }
        if let cached { return cached }
        let loaded = try load()
        state.withLock { state in
            if state.version == version { state.value = loaded }
        }
        return loaded
    }

    /// Forgets the value: the store changed it.
    public func invalidate() {
        state.withLock { state in
            state.version += 1
            state.value = nil
        }
    }
}
