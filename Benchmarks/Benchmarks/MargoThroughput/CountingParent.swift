import EOSMargo
import EOSModel
import EOSSecurity

/// A parent that takes every status report and only counts them, so a benchmark measures the transport, not the
/// registry. Site store-0042 holds node edge-01. With `attachments`, nodes attach for the parent's calls.
final class CountingParent: UpstreamHandler {
    let attachments: ChildAttachments?

    init(attachments: ChildAttachments? = nil) { self.attachments = attachments }

    func register(_ registration: ChildRegistration, caller: SPIFFEIdentity) async throws -> RegistrationAcceptance {
        RegistrationAcceptance(heartbeatInterval: .seconds(15), desiredGenerations: [:])
    }

    func heartbeat(_ heartbeat: Heartbeat, caller: SPIFFEIdentity) async throws -> HeartbeatAcknowledgement {
        HeartbeatAcknowledgement(heartbeatInterval: .seconds(15))
    }

    func sync(_ request: SyncRequest, caller: SPIFFEIdentity) async throws -> SyncResponse { SyncResponse() }

    func reportStatus(
        _ reports: any AsyncSequence<StatusReport, any Error> & Sendable, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        var last: UInt64 = 0
        var count: UInt64 = 0
        for try await report in reports {
            last = report.sequence
            count += 1
        }
        return ReportAcknowledgement(lastSequence: last, accepted: count)
    }

    func reportTelemetry(
        _ batches: any AsyncSequence<TelemetryBatch, any Error>, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        var count: UInt64 = 0
        for try await _ in batches { count += 1 }
        return ReportAcknowledgement(lastSequence: count, accepted: count)
    }

    func nodesAttached(toSite siteID: String) async -> Set<String> { siteID == "store-0042" ? ["edge-01"] : [] }
}
