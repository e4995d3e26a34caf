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
    /// A call between being made and being answered.
    private enum Slot {
        /// Sent, or about to be; the caller has not started waiting yet.
        case sent
        /// The caller waits for the answer.
        case waiting(CheckedContinuation<Eos_Margo_V1_ChildAnswer, any Error>)
        /// Answered (or failed) before the caller started waiting.
        case settled(Result<Eos_Margo_V1_ChildAnswer, any Error>)
    }

    private struct State {
        var nextID: UInt64 = 1
        var calls: [UInt64: Slot] = [:]
        var ended = false
        /// Resumed when the attachment ends, by either side.
        var onEnd: CheckedContinuation<Void, Never>?
        /// Why the node's side failed, if it did.
        var failure: (any Error)?
    }

    /// The node at the other end.
    public let nodeID: String
    /// The deadline of each call.
    public let policy: MargoCallPolicy
    private let writer: RPCWriter<Eos_Margo_V1_ParentCall>
    private let state = Mutex(State())

    /// An attachment whose calls are written to `writer`, the stream's side towards the node.
    init(nodeID: String, policy: MargoCallPolicy, writer: RPCWriter<Eos_Margo_V1_ParentCall>) {
        self.nodeID = nodeID
        self.policy = policy
        self.writer = writer
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
    ///
    /// The call is written, and its deadline kept, by child tasks of the caller's: an attachment holds no task of
    /// its own for either, so a parent with hundreds of nodes attached and idle holds nothing per node for them. The
    /// deadline covers the write too: a call the stream cannot take in time (the node reads nothing) fails
    /// `deadlineExceeded` unsent.
    private func make(
        _ call: Eos_Margo_V1_ParentCall, _ method: String
    ) async throws(MargoError) -> Eos_Margo_V1_ChildAnswer.OneOf_Answer {
        var call = call
        if let current = ServiceContext.current {
            InstrumentationSystem.instrument.inject(current, into: &call.traceContext, using: TraceContextMap())
        }
        let answer: Eos_Margo_V1_ChildAnswer
        do {
            call.id = try open()
            answer = try await withThrowingTaskGroup(of: Void.self) { [call] group in
                group.addTask { await self.send(call) }
                group.addTask { await self.expire(call.id) }
                defer { group.cancelAll() }
                return try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { continuation in wait(call.id, continuation) }
                } onCancel: {
                    settle(call.id, .failure(RPCError(code: .cancelled, message: "the call was cancelled")))
                }
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

    /// Takes the next call id, refusing a call on an ended stream or from a cancelled caller.
    private func open() throws(RPCError) -> UInt64 {
        try state.withLock { state throws(RPCError) in
            if state.ended { throw RPCError(code: .unavailable, message: "node \(nodeID) is no longer attached") }
            if Task.isCancelled { throw RPCError(code: .cancelled, message: "the call was cancelled") }
            defer { state.nextID += 1 }
            state.calls[state.nextID] = .sent
            return state.nextID
        }
    }

    /// Writes `call` down the stream; a write the stream refuses fails the call.
    private func send(_ call: Eos_Margo_V1_ParentCall) async {
        do {
            try await writer.write(call)
        } catch  where !Task.isCancelled {
            let refusal = RPCError(code: .unavailable, message: "node \(nodeID)'s stream did not take the call")
            settle(call.id, .failure(refusal))
        } catch {}
    }

    /// Fails call `id` once its deadline passes unanswered; cancelled when it ends first.
    private func expire(_ id: UInt64) async {
        do {
            try await Task.sleep(for: policy.timeout)
        } catch {
            return
        }
        settle(
            id,
            .failure(
                RPCError(code: .deadlineExceeded, message: "node \(nodeID) did not answer within \(policy.timeout)")))
    }

    /// Waits for call `id`'s answer with `continuation`, or takes the answer that came first.
    private func wait(_ id: UInt64, _ continuation: CheckedContinuation<Eos_Margo_V1_ChildAnswer, any Error>) {
        let settled: Result<Eos_Margo_V1_ChildAnswer, any Error>? = state.withLock { state in
            switch state.calls[id] {
            case .settled(let result)?:
                state.calls[id] = nil
                return result
            case .sent?:
                state.calls[id] = .waiting(continuation)
                return nil
            case .waiting?, nil:
                return .failure(RPCError(code: .unavailable, message: "node \(nodeID) is no longer attached"))
            }
        }
        if let settled { continuation.resume(with: settled) }
    }

    /// Ends call `id` with `result`, if it is still open: resumes its caller, or keeps the result until the caller
    /// waits. A late answer, or a second ending, is dropped.
    private func settle(_ id: UInt64, _ result: Result<Eos_Margo_V1_ChildAnswer, any Error>) {
        let waiting: CheckedContinuation<Eos_Margo_V1_ChildAnswer, any Error>? = state.withLock { state in
            switch state.calls[id] {
            case .waiting(let continuation)?:
                state.calls[id] = nil
                return continuation
            case .sent?:
                state.calls[id] = .settled(result)
                return nil
            case .settled?, nil:
                return nil
            }
        }
        waiting?.resume(with: result)
    }

    private static func mismatched(_ method: String) -> MargoError {
        MargoError(code: .invalidMessage, message: "\(method): the node answered another kind of call")
    }

    // MARK: The stream

    /// Carries the stream until either side ends it: hands each of `answers` to the call waiting for it. Returns when
    /// the node closes its side or the attachment is ended (replaced by a newer one); then every call still waiting
    /// fails `unavailable`, as does every later one. Throws what failed the node's side.
    func carry(answers: some AsyncSequence<Eos_Margo_V1_ChildAnswer, any Error> & Sendable) async throws {
        defer { end() }
        await withTaskGroup(of: Void.self) { group in
            // Ends when the node closes its side, or when the attachment is ended and this task cancelled.
            group.addTask {
                do {
                    for try await answer in answers { self.settle(answer.id, .success(answer)) }
                } catch {
                    self.state.withLock { $0.failure = error }
                }
                self.end()
            }
            await withCheckedContinuation { continuation in
                let ended = state.withLock { state in
                    if !state.ended { state.onEnd = continuation }
                    return state.ended
                }
                if ended { continuation.resume() }
            }
            group.cancelAll()
        }
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    /// Ends the stream: no more calls are taken, and those still open fail; an answer that came before is kept for
    /// its caller.
    func end() {
        let ending = RPCError(code: .unavailable, message: "node \(nodeID)'s connection ended before it answered")
        let (waiting, onEnd) = state.withLock { state in
            state.ended = true
            var waiting: [CheckedContinuation<Eos_Margo_V1_ChildAnswer, any Error>] = []
            for (id, slot) in state.calls {
                switch slot {
                case .waiting(let continuation):
                    waiting.append(continuation)
                    state.calls[id] = nil
                case .sent: state.calls[id] = .settled(.failure(ending))
                case .settled: break
                }
            }
            defer { state.onEnd = nil }
            return (waiting, state.onEnd)
        }
        onEnd?.resume()
        for continuation in waiting { continuation.resume(throwing: ending) }
    }
}
