public import EOSModel
public import EOSSecurity

/// What a parent (an LO for its nodes, the CO for its sites and directly attached nodes) does when a child calls
/// it: the `Upstream` service in EOS's own types.
///
/// ``UpstreamService`` serves it over gRPC and has already checked, before a method runs, that the caller speaks
/// only for itself, or, for a site, for nodes attached to it (``nodesAttached(toSite:)``).
public protocol UpstreamHandler: Sendable {
    /// Records a child's registration and answers the heartbeat interval wanted and the desired generations.
    func register(_ registration: ChildRegistration, caller: SPIFFEIdentity) async throws -> RegistrationAcceptance

    /// Notes that a child is alive.
    func heartbeat(_ heartbeat: Heartbeat, caller: SPIFFEIdentity) async throws -> HeartbeatAcknowledgement

    /// Answers the desired states that differ from what the child has applied.
    func sync(_ request: SyncRequest, caller: SPIFFEIdentity) async throws -> SyncResponse

    /// Takes a child's stream of status reports, in order, and acknowledges the last one taken.
    func reportStatus(
        _ reports: any AsyncSequence<StatusReport, any Error> & Sendable, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement

    /// Takes a child's stream of telemetry batches, in order, and acknowledges the last one taken.
    func reportTelemetry(
        _ batches: any AsyncSequence<TelemetryBatch, any Error>, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement

    /// The ids of the nodes attached to a site, as this parent's registry knows them: what the site may speak for.
    func nodesAttached(toSite siteID: String) async -> Set<String>

    /// Where ``UpstreamService`` holds the streams nodes open for this parent's calls (`Upstream.Attach`); `nil`, the
    /// default, for a parent that makes no calls that way, which then answers `Attach` with `UNIMPLEMENTED`.
    var attachments: ChildAttachments? { get }
}

extension UpstreamHandler {
    /// None: the parent makes no calls over its children's connections.
    public var attachments: ChildAttachments? { nil }
}
