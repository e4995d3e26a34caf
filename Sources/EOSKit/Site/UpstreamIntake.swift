public import EOSMargo
public import EOSModel
public import EOSSecurity
public import EOSTelemetry
internal import GRPCCore
public import Logging
internal import Synchronization

/// A parent's side of `Upstream`, written once: the LO serves it for its Edge Nodes, the CO for its sites and the
/// nodes attached to it directly. Serve it with ``UpstreamService`` behind a ``PeerIdentityInterceptor``, which
/// have already checked that a caller speaks only for itself (or, for a site, for its attached nodes).
///
/// - `Register` refuses a kind of child this parent does not take (`PERMISSION_DENIED`: an LO takes nodes only),
///   records the child in the ``ChildRegistry`` and answers the heartbeat interval and the desired generations.
/// - `Heartbeat`, `Sync` and `ReportStatus` from a child the registry does not know are answered `NOT_FOUND`: the
///   child's session ends and it registers again. (`NOT_FOUND` names what is missing, the registration;
///   `FAILED_PRECONDITION` would reach the child as ``MargoError/Code/staleGeneration``, which means something else.)
/// - `Heartbeat` answers the interval and whether the child should sync; `Sync` answers from ``ChildDesiredStates``
///   and records the generations the child says it holds.
/// - `ReportStatus` passes each report whose sequence is new to the ``ChildStatusSink``, once and in order, even when
///   a child has two streams open across a reconnect; a replayed report is skipped but acknowledged. Reports that
///   arrive while earlier ones are being recorded are passed on together (``ReportReadahead``), so a busy parent
///   records many in one go. Reports refresh the child's last contact. The answer is the last sequence taken from
///   the child.
/// - `ReportTelemetry` passes each batch to the ``TelemetryReceiver`` (an LO's forwarder, the central's gateway), in
///   order, skipping one the child sends again because an acknowledgement was lost (a sequence not above the last
///   taken; a sequence of 1 after higher ones is a child that restarted, and is taken). Batches refresh the child's
///   last contact. The answer is the last sequence taken.
public final class UpstreamIntake: UpstreamHandler {
    /// The registry the intake records children in.
    public let registry: ChildRegistry
    /// The kinds of child this parent takes: nodes for an LO, sites and nodes for the CO.
    public let acceptedKinds: Set<ChildKind>
    /// The nodes attached for this parent's calls over their own connections; `nil` when the parent makes none.
    public let attachments: ChildAttachments?
    private let desiredStates: any ChildDesiredStates
    private let statusSink: any ChildStatusSink
    private let telemetryReceiver: (any TelemetryReceiver)?
    private let attachedNodes: @Sendable (String) async -> Set<String>
    private let logger: Logger
    private let turns = ReportTurns()
    /// What all status streams may hold read ahead together: ten sites' full streams, or batches of about 100
    /// statuses for each of 100 sites flushing at once, which the central recorded as fast as larger ones.
    private let readaheadBudget = ReadaheadBudget(capacity: 10_000)
    private let telemetry = Mutex(TelemetryCounts())

    private struct TelemetryCounts {
        var batches: UInt64 = 0
        var points: UInt64 = 0
        var dropped: UInt64 = 0
        var replayed: UInt64 = 0
        var lastSequence: [String: UInt64] = [:]
    }

    /// Creates an intake over `registry`.
    ///
    /// - Parameters:
    ///   - kinds: the kinds of child this parent takes.
    ///   - desiredStates: what each child should hold.
    ///   - statusSink: where the statuses children report go.
    ///   - telemetry: where the telemetry children send goes; `nil` counts it and lets it go.
    ///   - nodesAttached: the ids of the nodes attached to a site, which the site may speak for; by default none.
    ///   - attachments: where nodes' `Attach` streams are held for this parent's calls; `nil`, the default, answers
    ///     `Attach` with `UNIMPLEMENTED`.
    ///   - logger: where registrations, refusals and replays are logged.
    public init(
        registry: ChildRegistry, accepting kinds: Set<ChildKind>, desiredStates: any ChildDesiredStates,
        statusSink: any ChildStatusSink, telemetry: (any TelemetryReceiver)? = nil,
        nodesAttached: @escaping @Sendable (_ siteID: String) async -> Set<String> = { _ in [] },
        attachments: ChildAttachments? = nil, logger: Logger = Logger(label: "eos.site.upstream-intake")
    ) {
        self.registry = registry
        self.acceptedKinds = kinds
        self.desiredStates = desiredStates
        self.statusSink = statusSink
        self.telemetryReceiver = telemetry
        self.attachedNodes = nodesAttached
        self.attachments = attachments
        self.logger = logger
    }

    /// How many telemetry batches children have sent.
    public var telemetryBatchesReceived: UInt64 { telemetry.withLock { $0.batches } }
    /// How many samples those batches carried.
    public var telemetryPointsReceived: UInt64 { telemetry.withLock { $0.points } }
    /// How many samples the children said they dropped before sending (``TelemetryBatch/droppedCount``).
    public var telemetryPointsDroppedAtSource: UInt64 { telemetry.withLock { $0.dropped } }
    /// How many batches children sent again after a lost acknowledgement, which were skipped.
    public var telemetryBatchesReplayed: UInt64 { telemetry.withLock { $0.replayed } }

    // MARK: UpstreamHandler

    /// Records a child's registration and answers the heartbeat interval and the desired generations; refuses a
    /// kind of child this parent does not take.
    public func register(
        _ registration: ChildRegistration, caller: SPIFFEIdentity
    ) async throws -> RegistrationAcceptance {
        try accept(registration.kind, registration.id, "register", caller: caller)
        let known = registry.child(kind: registration.kind, id: registration.id) != nil
        let child = try recording { () throws(ChildRegistryError) in try registry.register(registration) }
        let desired = try await answering("the desired generations of \(child.kind) \(child.id)") {
            try await desiredStates.desiredGenerations(for: child)
        }
        logger.info(
            known ? "a child registered again" : "a child registered",
            metadata: [
                "child": "\(child.kind) \(child.id)", "caller": "\(caller)", "heartbeat": "\(child.heartbeatInterval)",
                "applied": "\(child.appliedGenerations.count)", "desired": "\(desired.count)",
            ])
        return RegistrationAcceptance(heartbeatInterval: child.heartbeatInterval, desiredGenerations: desired)
    }

    /// Notes that a child is alive and answers the interval and whether it should sync; `NOT_FOUND` for a child
    /// the registry does not know.
    public func heartbeat(_ heartbeat: Heartbeat, caller: SPIFFEIdentity) async throws -> HeartbeatAcknowledgement {
        try accept(heartbeat.kind, heartbeat.id, "heartbeat", caller: caller)
        let child = try recording { () throws(ChildRegistryError) in
            try registry.heartbeat(kind: heartbeat.kind, id: heartbeat.id)
        }
        guard let child else { throw notRegistered(heartbeat.kind, heartbeat.id, "heartbeat") }
        let syncRequired = try await answering("whether \(child.kind) \(child.id) should sync") {
            try await desiredStates.syncRequired(for: child)
        }
        return HeartbeatAcknowledgement(heartbeatInterval: child.heartbeatInterval, syncRequired: syncRequired)
    }

    /// Records the generations a child holds and answers what differs from the desired state; `NOT_FOUND` for a
    /// child the registry does not know.
    public func sync(_ request: SyncRequest, caller: SPIFFEIdentity) async throws -> SyncResponse {
        try accept(request.kind, request.id, "sync", caller: caller)
        let child = try recording { () throws(ChildRegistryError) -> RegisteredChild? in
            guard try registry.touch(kind: request.kind, id: request.id) != nil else { return nil }
            return try registry.updateAppliedGenerations(request.appliedGenerations, kind: request.kind, id: request.id)
        }
        guard let child else { throw notRegistered(request.kind, request.id, "sync") }
        return try await answering("the desired states of \(child.kind) \(child.id)") {
            try await desiredStates.sync(applied: request.appliedGenerations, for: child)
        }
    }

    /// Passes each new report of the caller's stream to the status sink, once and in order, skips replays, and
    /// acknowledges the last sequence taken from the caller; `NOT_FOUND` for a caller the registry does not know.
    public func reportStatus(
        _ reports: any AsyncSequence<StatusReport, any Error> & Sendable, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        let (kind, id) = try sender(caller, "report status")
        try accept(kind, id, "report status", caller: caller)
        guard registry.child(kind: kind, id: id) != nil else { throw notRegistered(kind, id, "report status") }
        let readahead = ReportReadahead(budget: readaheadBudget)
        let (taken, replayed) = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await readahead.read(reports) }
            // A failure here ends the stream at once: leaving the group cancels the reading.
            return try await record(readahead, from: kind, id)
        }
        if replayed > 0 {
            logger.debug(
                "skipped replayed status reports", metadata: ["child": "\(kind) \(id)", "replayed": "\(replayed)"])
        }
        let last = registry.child(kind: kind, id: id)?.lastSequence ?? 0
        return ReportAcknowledgement(lastSequence: last, accepted: taken)
    }

    /// Passes the reports `readahead` read from a child's stream to the status sink, each batch in one turn of the
    /// child, skipping replays; returns how many reports were taken and how many of them were replays.
    private func record(
        _ readahead: ReportReadahead, from kind: ChildKind, _ id: String
    ) async throws -> (taken: UInt64, replayed: UInt64) {
        var taken: UInt64 = 0
        var replayed: UInt64 = 0
        // The reports that arrived while the last ones were recorded are recorded together.
        while let batch = try await readahead.takeAll() {
            // Admitting the batch notes the contact, in the same write as its sequence.
            guard let child = registry.child(kind: kind, id: id) else { throw notRegistered(kind, id, "report status") }
            // One batch of a child at a time, checked against its last sequence in that turn: an old stream still
            // open after a reconnect cannot pass a report on twice, or out of order with the new stream.
            try await turns.withTurn(ChildKey(kind: kind, id: id)) {
                var last = registry.child(kind: kind, id: id)?.lastSequence ?? 0
                let fresh = batch.filter { report in
                    guard report.sequence > last else { return false }
                    last = report.sequence
                    return true
                }
                replayed += UInt64(batch.count - fresh.count)
                guard let newest = fresh.last else {
                    _ = try recording { () throws(ChildRegistryError) in try registry.touch(kind: kind, id: id) }
                    return
                }
                try await answering("the status reports up to \(newest.sequence) of \(kind) \(id)") {
                    try await statusSink.receive(fresh.flatMap(\.statuses), from: child)
                }
                do throws(ChildRegistryError) {
                    _ = try await registry.admit(sequence: newest.sequence, from: kind, id: id)
                } catch {
                    throw registryFailure(error)
                }
            }
            taken += UInt64(batch.count)
        }
        return (taken, replayed)
    }

    /// Passes each new telemetry batch of the caller's stream to the receiver and acknowledges the last sequence.
    public func reportTelemetry(
        _ batches: any AsyncSequence<TelemetryBatch, any Error>, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        let (kind, id) = try sender(caller, "report telemetry")
        try accept(kind, id, "report telemetry", caller: caller)
        let source = "\(kind.rawValue)/\(id)"
        var last: UInt64 = 0
        var taken: UInt64 = 0
        for try await batch in batches {
            let isNew = telemetry.withLock { counts in
                let previous = counts.lastSequence[source] ?? 0
                guard batch.sequence > previous || batch.sequence == 1 else {
                    counts.replayed += 1
                    return false
                }
                counts.lastSequence[source] = batch.sequence
                counts.batches += 1
                counts.points += UInt64(batch.points.count)
                counts.dropped += batch.droppedCount
                return true
            }
            if isNew { await telemetryReceiver?.receive(batch, from: kind, id: id) }
            _ = try recording { () throws(ChildRegistryError) in try registry.touch(kind: kind, id: id) }
            last = max(last, batch.sequence)
            taken += 1
        }
        return ReportAcknowledgement(lastSequence: last, accepted: taken)
    }

    /// The nodes attached to a site, as the owner supplied them.
    public func nodesAttached(toSite siteID: String) async -> Set<String> {
        await attachedNodes(siteID)
    }

    // MARK: Checks

    /// Refuses a kind of child this parent does not take.
    private func accept(_ kind: ChildKind, _ id: String, _ what: String, caller: SPIFFEIdentity) throws(MargoError) {
        guard !acceptedKinds.contains(kind) else { return }
        let taken = acceptedKinds.map { "\($0.rawValue)s" }.sorted().joined(separator: " and ")
        let error = MargoError(
            code: .permissionDenied,
            message:
                "\(kind) \(id) may not \(what) here: this parent takes \(taken.isEmpty ? "no children" : taken) only")
        logger.warning("refused a child", metadata: ["caller": "\(caller)", "reason": "\(error.message)"])
        throw error
    }

    /// The child a stream comes from: its caller.
    private func sender(_ caller: SPIFFEIdentity, _ what: String) throws(MargoError) -> (ChildKind, String) {
        switch caller.role {
        case .site: return (.site, caller.id ?? "")
        case .node: return (.node, caller.id ?? "")
        case .central:
            throw MargoError(code: .permissionDenied, message: "\(caller) has no parent and may not \(what) here")
        }
    }

    private func notRegistered(_ kind: ChildKind, _ id: String, _ what: String) -> RPCError {
        logger.notice("a child that is not registered called", metadata: ["child": "\(kind) \(id)", "call": "\(what)"])
        return RPCError(
            code: .notFound, message: "\(kind) \(id) is not registered with this parent; register before you \(what)")
    }

    /// Runs a registry call, answering its failure as the parent's own.
    private func recording<Value>(_ body: () throws(ChildRegistryError) -> Value) throws(MargoError) -> Value {
        do {
            return try body()
        } catch {
            throw registryFailure(error)
        }
    }

    /// A registry failure, logged and answered as the parent's own.
    private func registryFailure(_ error: ChildRegistryError) -> MargoError {
        logger.error("the child registry failed", metadata: ["error": "\(error)"])
        return MargoError(code: .remoteFailure, message: "the parent could not record the call: \(error)")
    }

    /// Runs the owner's code, answering a failure that is not already a protocol error as the parent's own.
    private func answering<Value>(_ what: String, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as MargoError {
            throw error
        } catch let error as RPCError {
            throw error
        } catch {
            logger.error("the parent failed", metadata: ["while": "\(what)", "error": "\(error)"])
            throw MargoError(code: .remoteFailure, message: "the parent failed to produce \(what): \(error)")
        }
    }
}
