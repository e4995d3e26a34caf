public import ServiceContextModule
internal import Synchronization
public import Tracing

/// The trace each deployment generation arrived in, so work done for it later (the central's push to a site, a
/// site's apply to a node, a node's workload start) joins the same trace: a rollout is one trace from
/// `POST /deploy/fleet` to the containers starting, though each tier does its part in its own loop.
///
/// Kept in memory for the most recent ``capacity`` generations; after a restart, work for older ones starts traces
/// of its own.
public final class DeploymentTraces: Sendable {
    /// How many generations are remembered.
    public let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var contexts: [String: ServiceContext] = [:]
        var order: [String] = []
        var first = 0
    }

    /// An empty memory of `capacity` generations.
    public init(capacity: Int = 1024) { self.capacity = max(1, capacity) }

    /// Remembers the current trace context, if there is one, for `generation` of `deployment`.
    public func remember(deployment: String, generation: Int64, context: ServiceContext? = ServiceContext.current) {
        guard let context else { return }
        let key = "\(deployment)#\(generation)"
        state.withLock { state in
            if state.contexts.updateValue(context, forKey: key) == nil { state.order.append(key) }
            while state.order.count - state.first > capacity {
                state.contexts[state.order[state.first]] = nil
                state.first += 1
            }
            if state.first > capacity {
                state.order.removeFirst(state.first)
                state.first = 0
            }
        }
    }

    /// The trace context `generation` of `deployment` arrived in; the top-level context when none is remembered.
    public func context(deployment: String, generation: Int64) -> ServiceContext {
        state.withLock { $0.contexts["\(deployment)#\(generation)"] } ?? .topLevel
    }

    /// Runs `body` in a span named `name` in the trace `generation` of `deployment` arrived in, recording which
    /// `tier` did the work, the deployment and generation, and `attributes`.
    public func withSpan<T>(
        _ name: String, deployment: String, generation: Int64, tier: String, kind: SpanKind = .client,
        attributes: [String: String] = [:], _ body: (any Span) async throws -> T
    ) async rethrows -> T {
        try await Tracing.withSpan(
            name, context: context(deployment: deployment, generation: generation), ofKind: kind
        ) { span in
            span.attributes["eos.tier"] = tier
            span.attributes["eos.deployment"] = deployment
            span.attributes["eos.generation"] = Int(generation)
            for (key, value) in attributes { span.attributes[key] = value }
            return try await body(span)
        }
    }
}
