public import EOSModel
internal import GRPCCore

extension UpstreamClient {
    /// How many heartbeats in a row may pass their deadline before ``heartbeats(kind:id:every:clock:sync:onLate:)``
    /// gives the parent up.
    public static var toleratedLateHeartbeats: Int { 2 }

    /// Heartbeats the parent for as long as the child's session lasts (an Edge Node its site, a site the central):
    /// at the interval the parent last asked for, calling `sync` whenever the parent says the child should.
    ///
    /// A parent that is slow to answer is not a lost parent. A heartbeat whose deadline passes is reported to
    /// `onLate` with how many were late in a row, and the next one goes at the next interval; only a heartbeat late
    /// for the `toleratedLateHeartbeats + 1`th time in a row ends the session, as any other failure does at once
    /// (the parent gone, the child unknown to it). Were each late answer to end the session, the children of a
    /// parent busy with a large rollout would all register again at once, each registration costing the parent far
    /// more than a heartbeat, just when it has the least time for them.
    ///
    /// - Throws: the heartbeat's or `sync`'s failure that ends the session; `CancellationError` when cancelled.
    public func heartbeats(
        kind: ChildKind, id: String, every interval: Duration, clock: any Clock<Duration>,
        sync: () async throws -> Void, onLate: (_ error: MargoError, _ inARow: Int) -> Void
    ) async throws {
        var interval = interval
        var late = 0
        while true {
            try await clock.sleep(for: max(interval, .milliseconds(100)))
            let sent = ContinuousClock.now
            let answer: Result<HeartbeatAcknowledgement, MargoError>
            var ranOutOfTime = false
            do {
                let response = try await withMargoErrors("Upstream/Heartbeat") {
                    do {
                        return try await heartbeatCall(Heartbeat(kind: kind, id: id, sentAt: Timestamp(.now)))
                    } catch let error as RPCError {
                        ranOutOfTime = isLate(error, after: sent.duration(to: .now))
                        throw error
                    }
                }
                answer = .success(try HeartbeatAcknowledgement(wire: response))
            } catch {
                answer = .failure(error)
            }
            switch answer {
            case .success(let acknowledgement):
                late = 0
                interval = acknowledgement.heartbeatInterval
                if acknowledgement.syncRequired { try await sync() }
            case .failure(let error) where ranOutOfTime && late < Self.toleratedLateHeartbeats:
                late += 1
                onLate(error, late)
            case .failure(let error):
                throw error
            }
        }
    }

    /// Whether a heartbeat that failed with `error` after `elapsed` was late rather than lost: it ran out of time.
    /// A deadline that races the transport's own teardown of the call can surface as `unknown` (the transport's
    /// unexpected error) instead of `deadlineExceeded`; that too is late once the deadline has passed. An answer
    /// from the parent (it does not know the child, say) or an unreachable parent is not late, however long it took.
    private func isLate(_ error: RPCError, after elapsed: Duration) -> Bool {
        error.code == .deadlineExceeded || (error.code == .unknown && elapsed >= policy.timeout)
    }
}
