public import EOSModel
internal import GRPCCore
internal import Instrumentation
internal import ServiceContextModule
internal import Synchronization

/// A node's own connection to its parent, as the parent calls it: the `Upstream.Attach` stream the node opened,
/// down which the parent sends the node's `EdgeNode` calls and up which the node answers each, matched by id.
///
/// The parent reaches an attached node without dialling it: the node needs no inbound port, and holds one
/// connection to its parent instead of two. Calls answer as ``EdgeClient``'s do. Each has the policy's
/// ``MargoCallPolicy/timeout`` as its deadline (`deadlineExceeded` after it); a call made after the stream ended,
/// or still waiting when it ends, fails `unavailable` at once, and is not retried here: the node may have acted on
/// it, and every EdgeNode call is idempotent, so the caller retries as it would any unreachable node. Many calls
/// may be in flight at once; the node answers each as it finishes.
///
/// ``ChildAttachments`` makes one for each stream a node opens and hands it out while the stream lasts.
public final class AttachedChild: EdgeCaller {
    private struct Pending {
        let continuation: CheckedContinuation<Eos_Margo_V1_ChildAnswer, any Error>
        let deadline: ContinuousClock.Instant
    }

    private struct State {
        var nextID: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        var ended = false
    }

    /// The node at the other end.
    public let nodeID: String
    /// The deadline of each call.
    public let policy: MargoCallPolicy
    private let state = Mutex(State())
    private let calls: AsyncStream<Eos_Margo_V1_ParentCall>
    private let outgoing: AsyncStream<Eos_Margo_V1_ParentCall>.Continuation
    /// Signalled when a call starts waiting with none waiting before: deadlines are checked only while calls wait,
    /// so an idle attachment costs no wake-ups.
    private let armed: AsyncStream<Void>
    private let arm: AsyncStream<Void>.Continuation

    init(nodeID: String, policy: MargoCallPolicy) {
        self.nodeID = nodeID
        self.policy = policy
        (calls, outgoing) = AsyncStream.makeStream()
        (armed, arm) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Whether the stream has ended; calls then fail `unavailable`.
    public var hasEnded: Bool { state.withLock { $0.ended } }

    /// Hands the node one generation of a deployment's desired state.
    public func applyDeploy(_ desiredState: FleetDesiredState) async throws(MargoError) -> ApplyResult {
        let method = "EdgeNode/ApplyDeploy"
        var call = Eos_Margo_V1_ParentCall()
        call.applyDeploy = Eos_Margo_V1_ApplyDeployRequest(desiredState)
        guard case .applyDeploy(let response) = try await make(call, method) else { throw Self.mismatched(method) }
        return try ApplyResult(wire: response)
    }

    /// Removes a deployment from the node.
    public func removeDeploy(_ removal: FleetRemoval) async throws(MargoError) -> ApplyResult {
        let method = "EdgeNode/RemoveDeploy"
        var call = Eos_Margo_V1_ParentCall()
        call.removeDeploy = Eos_Margo_V1_RemoveDeployRequest(removal)
        guard case .removeDeploy(let response) = try await make(call, method) else { throw Self.mismatched(method) }
        return try ApplyResult(wire: response)
    }

    /// The node's report on `deployments`, or on all of them when the list is empty.
    public func nodeStatus(deployments: [String]) async throws(MargoError) -> NodeStatus {
        let method = "EdgeNode/GetNodeStatus"
        var call = Eos_Margo_V1_ParentCall()
        call.getNodeStatus.deployments = deployments
        guard case .getNodeStatus(let response) = try await make(call, method) else { throw Self.mismatched(method) }
        return try NodeStatus(wire: response)
    }

    // MARK: Calls

    /// Sends `call` and waits for its answer; a failure the node answered arrives as the `MargoError` the
    /// EdgeNode service's status would have given.
    private func make(
        _ call: Eos_Margo_V1_ParentCall, _ method: String
    ) async throws(MargoError) -> Eos_Margo_V1_ChildAnswer.OneOf_Answer {
        var call = call
        if let current = ServiceContext.current {
            InstrumentationSystem.instrument.inject(current, into: &call.traceContext, using: TraceContextMap())
        }
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        call.id = id
        let answer: Eos_Margo_V1_ChildAnswer
        do {
            answer = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    send(call, continuation)
                }
            } onCancel: {
                fail(id, with: RPCError(code: .cancelled, message: "the call was cancelled"))
            }
        } catch let error as RPCError {
            throw MargoError(error, calling: method)
        } catch {
            throw MargoError(code: .remoteFailure, message: "\(method) failed", cause: error)
        }
        switch answer.answer {
        case .failure(let failure): throw MargoError(failure.rpcError, calling: method)
        case let answer?: return answer
        case nil: throw MargoError(code: .invalidMessage, message: "\(method): the node's answer carries nothing")
        }
    }

    private func send(
        _ call: Eos_Margo_V1_ParentCall, _ continuation: CheckedContinuation<Eos_Margo_V1_ChildAnswer, any Error>
    ) {
        let refusal: RPCError?
        let first: Bool
        (refusal, first) = state.withLock { state in
            if state.ended {
                return (RPCError(code: .unavailable, message: "node \(nodeID) is no longer attached"), false)
            }
            if Task.isCancelled { return (RPCError(code: .cancelled, message: "the call was cancelled"), false) }
            state.pending[call.id] = Pending(
                continuation: continuation, deadline: .now.advanced(by: policy.timeout))
            return (nil, state.pending.count == 1)
        }
        if let refusal {
            continuation.resume(throwing: refusal)
            return
        }
        if first { arm.yield() }
        outgoing.yield(call)
    }

    private func fail(_ id: UInt64, with error: RPCError) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.continuation.resume(throwing: error)
    }

    private static func mismatched(_ method: String) -> MargoError {
        MargoError(code: .invalidMessage, message: "\(method): the node answered another kind of call")
    }

    // MARK: The stream

    /// Carries the stream until either side ends it: writes each call to `writer`, hands each of `answers` to the
    /// call waiting for it, and fails calls that outlive their deadline. Returns when the node closes its side or
    /// the attachment is ended (replaced by a newer one); then every call still waiting fails `unavailable`, as does
    /// every later one.
    func carry(
        answers: some AsyncSequence<Eos_Margo_V1_ChildAnswer, any Error> & Sendable,
        into writer: RPCWriter<Eos_Margo_V1_ParentCall>
    ) async throws {
        defer { end() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Ends when the attachment is ended.
            group.addTask { [calls] in
                for await call in calls { try await writer.write(call) }
            }
            group.addTask { try await self.expireOverdueCalls() }
            // Ends when the node closes its side.
            group.addTask {
                for try await answer in answers {
                    self.state.withLock { $0.pending.removeValue(forKey: answer.id) }?.continuation.resume(
                        returning: answer)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Fails calls past their deadline, checking a few times a second while any call waits.
    private func expireOverdueCalls() async throws {
        let interval = max(min(policy.timeout / 4, .milliseconds(250)), .milliseconds(10))
        for await _ in armed {
            var waiting = true
            while waiting {
                try await Task.sleep(for: interval)
                let now = ContinuousClock.now
                let overdue: [Pending]
                (overdue, waiting) = state.withLock { state in
                    let ids = state.pending.filter { $0.value.deadline <= now }.keys
                    return (ids.compactMap { state.pending.removeValue(forKey: $0) }, !state.pending.isEmpty)
                }
                for call in overdue {
                    call.continuation.resume(
                        throwing: RPCError(
                            code: .deadlineExceeded,
                            message: "node \(nodeID) did not answer within \(policy.timeout)"))
                }
            }
        }
    }

    /// Ends the stream: no more calls are taken, and those waiting fail.
    func end() {
        let waiting = state.withLock { state in
            state.ended = true
            defer { state.pending = [:] }
            return state.pending.values
        }
        outgoing.finish()
        arm.finish()
        for call in waiting {
            call.continuation.resume(
                throwing: RPCError(
                    code: .unavailable, message: "node \(nodeID)'s connection ended before it answered"))
        }
    }
}
