public import EOSModel
public import EOSSecurity
public import GRPCCore
public import Logging

/// Calls a parent's `Upstream` service (an EN calling its LO or the CO, an LO calling the CO), in EOS's own types.
///
/// `register`, `heartbeat` and `sync` are idempotent and retried on `UNAVAILABLE` with jittered exponential
/// backoff. The two report streams are not retried here: a child resends from its durable outbox what the parent
/// has not acknowledged (``ReportAcknowledgement/lastSequence``), which is what keeps reports in order across
/// reconnects. Failures arrive as ``MargoError``.
public struct UpstreamClient<Transport: ClientTransport>: Sendable {
    private let client: Eos_Margo_V1_Upstream.Client<Transport>
    /// Deadlines and retries.
    public let policy: MargoCallPolicy

    /// Calls through `client`, which must be running its connections.
    public init(_ client: GRPCClient<Transport>, policy: MargoCallPolicy = .standard) {
        self.client = Eos_Margo_V1_Upstream.Client(wrapping: client)
        self.policy = policy
    }

    /// Registers the child; the answer carries the heartbeat interval and the parent's desired generations.
    public func register(_ registration: ChildRegistration) async throws(MargoError) -> RegistrationAcceptance {
        let request = registration.wire
        let response = try await withMargoErrors("Upstream/Register") {
            try await policy.retryingIdempotentCall { options in
                try await client.register(request, options: options) { $0 }
            }
        }
        return try RegistrationAcceptance(wire: response)
    }

    /// Tells the parent the child is alive.
    public func heartbeat(_ heartbeat: Heartbeat) async throws(MargoError) -> HeartbeatAcknowledgement {
        let response = try await withMargoErrors("Upstream/Heartbeat") { try await heartbeatCall(heartbeat) }
        return try HeartbeatAcknowledgement(wire: response)
    }

    /// The heartbeat call, failing with the transport's own error (an `RPCError` with its gRPC code).
    func heartbeatCall(_ heartbeat: Heartbeat) async throws -> Eos_Margo_V1_HeartbeatResponse {
        let request = heartbeat.wire
        return try await policy.retryingIdempotentCall { options in
            try await client.heartbeat(request, options: options) { $0 }
        }
    }

    /// Asks for the desired states that differ from what the child has applied.
    public func sync(_ request: SyncRequest) async throws(MargoError) -> SyncResponse {
        let wire = request.wire
        let response = try await withMargoErrors("Upstream/Sync") {
            try await policy.retryingIdempotentCall { options in
                try await client.sync(wire, options: options) { $0 }
            }
        }
        return try SyncResponse(wire: response)
    }

    /// Streams status reports to the parent in order until `reports` ends.
    ///
    /// - Parameter timeout: the deadline of the whole stream; a long-lived stream wants a long one.
    public func reportStatus<Reports: AsyncSequence & Sendable>(
        _ reports: Reports, timeout: Duration? = nil
    ) async throws(MargoError) -> ReportAcknowledgement where Reports.Element == StatusReport {
        let response = try await withMargoErrors("Upstream/ReportStatus") {
            try await client.reportStatus(options: policy.streamingCallOptions(timeout: timeout)) { writer in
                for try await report in reports { try await writer.write(report.wire) }
            }
        }
        return ReportAcknowledgement(wire: response)
    }

    /// Streams telemetry batches to the parent in order until `batches` ends.
    public func reportTelemetry<Batches: AsyncSequence & Sendable>(
        _ batches: Batches, timeout: Duration? = nil
    ) async throws(MargoError) -> ReportAcknowledgement where Batches.Element == TelemetryBatch {
        let response = try await withMargoErrors("Upstream/ReportTelemetry") {
            try await client.reportTelemetry(options: policy.streamingCallOptions(timeout: timeout)) { writer in
                for try await batch in batches { try await writer.write(batch.wire) }
            }
        }
        return ReportAcknowledgement(wire: response)
    }

    /// Sends `batches` to the parent in one stream, in order.
    public func reportTelemetry(
        _ batches: [TelemetryBatch], timeout: Duration? = nil
    ) async throws(MargoError) -> ReportAcknowledgement {
        let stream = AsyncStream<TelemetryBatch> { continuation in
            for batch in batches { continuation.yield(batch) }
            continuation.finish()
        }
        return try await reportTelemetry(stream, timeout: timeout)
    }

    /// Attaches the child to its parent's calls (`Upstream.Attach`) and answers each call the parent sends with
    /// `handler`, as the node's `EdgeNode` service would, until the stream ends.
    ///
    /// Calls are answered concurrently, each as it finishes. Returns when the parent makes no calls this way (it
    /// answered `UNIMPLEMENTED`); the parent then dials the node's `EdgeNode` service instead. Throws when the
    /// stream fails or the parent ends it, as a session's other calls do when the link breaks.
    ///
    /// - Parameters:
    ///   - handler: what answers the calls.
    ///   - server: the identity of the server this client's connection verified, the caller of every call.
    ///   - authorization: the node's policy; a call it refuses is answered `PERMISSION_DENIED`, logged and counted.
    ///   - logger: where refusals are logged.
    public func attach(
        serving handler: some EdgeNodeHandler, server: @escaping @Sendable () -> SPIFFEIdentity?,
        authorization: @escaping @Sendable () -> PeerAuthorization, logger: Logger
    ) async throws(MargoError) {
        let answerer = AttachedCallAnswerer(
            handler: handler, server: server, authorization: authorization, logger: logger)
        let (answers, answered) = AsyncStream<Eos_Margo_V1_ChildAnswer>.makeStream()
        var options = policy.streamingCallOptions()
        options.timeout = nil
        do {
            try await withMargoErrors("Upstream/Attach") {
                try await client.attach(
                    request: StreamingClientRequest { writer in
                        for await answer in answers { try await writer.write(answer) }
                    }, options: options
                ) { response in
                    defer { answered.finish() }
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await call in response.messages {
                            group.addTask { answered.yield(await answerer.answer(call)) }
                        }
                    }
                }
            }
        } catch  where error.code == .unimplemented {
            return
        }
        throw MargoError(code: .unavailable, message: "Upstream/Attach: the parent ended the stream")
    }
}
