public import EOSModel
public import GRPCCore

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
        let request = heartbeat.wire
        let response = try await withMargoErrors("Upstream/Heartbeat") {
            try await policy.retryingIdempotentCall { options in
                try await client.heartbeat(request, options: options) { $0 }
            }
        }
        return try HeartbeatAcknowledgement(wire: response)
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
}
