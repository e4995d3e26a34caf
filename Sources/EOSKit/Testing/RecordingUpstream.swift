public import EOSKit
import Foundation
import Synchronization

/// A parent's `Upstream` for tests: it accepts every child, records what the child sends, acknowledges each status
/// report it has not seen before and counts any it sees twice (a sequence number not above the last one).
///
/// Serve it with ``UpstreamService`` behind a ``PeerIdentityInterceptor``, as a site or the central would.
public final class RecordingUpstream: UpstreamHandler {
    /// Everything the children have sent, in the order it arrived.
    public struct Record: Sendable {
        /// Every registration.
        public var registrations: [ChildRegistration] = []
        /// How many heartbeats arrived.
        public var heartbeats = 0
        /// Every status, in the order of the reports that carried them; a report seen twice is not added again.
        public var statuses: [NodeDeploymentStatus] = []
        /// The sequence numbers of the reports added, in order.
        public var sequences: [UInt64] = []
        /// How many reports arrived a second time.
        public var duplicates = 0
        /// How many telemetry batches arrived.
        public var telemetryBatches = 0
        /// How many samples they carried.
        public var telemetryPoints = 0
        /// The samples of the first 10,000 telemetry batches, in order.
        public var telemetry: [MetricPoint] = []
    }

    private let record = Mutex(Record())
    private let available = Mutex(true)
    private let interval: Duration
    private let attached: @Sendable (String) -> Set<String>

    /// Creates an upstream that asks its children to heartbeat every `heartbeatInterval`; as the central, it lets
    /// a site speak for the nodes `nodesAttached` names.
    public init(
        heartbeatInterval: Duration = .milliseconds(300),
        nodesAttached: @escaping @Sendable (_ siteID: String) -> Set<String> = { _ in [] }
    ) {
        interval = heartbeatInterval
        attached = nodesAttached
    }

    /// Makes the parent answer every call `UNAVAILABLE` (`false`) or serve again (`true`): a parent that is down
    /// without giving up its port, which another test's listener could otherwise take meanwhile.
    public func setAvailable(_ isAvailable: Bool) {
        available.withLock { $0 = isAvailable }
    }

    private func checkAvailable() throws(MargoError) {
        guard available.withLock({ $0 }) else { throw MargoError(code: .unavailable, message: "the parent is down") }
    }

    /// What has been recorded so far.
    public var recorded: Record { record.withLock { $0 } }

    /// The states reported for `deployment`, in order.
    public func states(of deployment: String) -> [MargoDeploymentState] {
        record.withLock { $0.statuses.filter { $0.deployment == deployment }.map(\.state) }
    }

    /// The last status reported for `deployment`.
    public func latest(of deployment: String) -> NodeDeploymentStatus? {
        record.withLock { $0.statuses.last { $0.deployment == deployment } }
    }

    /// The statuses reported for `deployment`, in order.
    public func statuses(of deployment: String) -> [NodeDeploymentStatus] {
        record.withLock { $0.statuses.filter { $0.deployment == deployment } }
    }

    public func register(
        _ registration: ChildRegistration, caller: SPIFFEIdentity
    ) async throws -> RegistrationAcceptance {
        try checkAvailable()
        record.withLock { $0.registrations.append(registration) }
        return RegistrationAcceptance(heartbeatInterval: interval)
    }

    public func heartbeat(_ heartbeat: Heartbeat, caller: SPIFFEIdentity) async throws -> HeartbeatAcknowledgement {
        try checkAvailable()
        record.withLock { $0.heartbeats += 1 }
        return HeartbeatAcknowledgement(heartbeatInterval: interval)
    }

    public func sync(_ request: SyncRequest, caller: SPIFFEIdentity) async throws -> SyncResponse {
        try checkAvailable()
        return SyncResponse(desiredStates: [], removals: [])
    }

    public func reportStatus(
        _ reports: any AsyncSequence<StatusReport, any Error> & Sendable, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        try checkAvailable()
        var last: UInt64 = 0
        var accepted: UInt64 = 0
        for try await report in reports {
            record.withLock { record in
                if let previous = record.sequences.last, report.sequence <= previous {
                    record.duplicates += 1
                } else {
                    record.sequences.append(report.sequence)
                    record.statuses += report.statuses
                }
            }
            last = report.sequence
            accepted += 1
        }
        return ReportAcknowledgement(lastSequence: last, accepted: accepted)
    }

    public func reportTelemetry(
        _ batches: any AsyncSequence<TelemetryBatch, any Error>, caller: SPIFFEIdentity
    ) async throws -> ReportAcknowledgement {
        var accepted: UInt64 = 0
        var last: UInt64 = 0
        for try await batch in batches {
            record.withLock { record in
                record.telemetryBatches += 1
                record.telemetryPoints += batch.points.count
                if record.telemetryBatches <= 10_000 { record.telemetry += batch.points }
            }
            accepted += 1
            last = batch.sequence
        }
        return ReportAcknowledgement(lastSequence: last, accepted: accepted)
    }

    public func nodesAttached(toSite siteID: String) async -> Set<String> { attached(siteID) }
}
