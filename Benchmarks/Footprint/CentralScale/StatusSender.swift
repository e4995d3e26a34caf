import DaemonMeasurement
import EOSKit
import GRPCCore
import GRPCNIOTransportHTTP2

/// A site's second connection to the central, for the status intake: streams reports of 10 statuses each, of the
/// site's nodes in turn, as the site.
///
/// Run ``client``'s connections (`runConnections()`) beside the sending, and shut it down after.
struct StatusSender: Sendable {
    let site: String
    let nodes: [String]
    let client: GRPCClient<HTTP2ClientTransport.Posix>

    /// Above any sequence the site itself used (its outbox numbers from the time), so the central takes every
    /// report as new.
    static let firstSequence: UInt64 = 1 << 62

    init(site: String, nodes: [String], central: MargoEndpoint, tls: TLSMaterial) throws {
        self.site = site
        self.nodes = nodes
        client = GRPCClient(transport: try MargoTransport.client(connectingTo: central, tls: tls))
    }

    /// Sends the reports numbered `indices` (from ``firstSequence``) on one `ReportStatus` stream, and checks that
    /// the central took them all.
    func send(_ indices: Range<Int>) async throws {
        let upstream = UpstreamClient(client, policy: MargoCallPolicy(timeout: .seconds(600)))
        let reports = indices.map { index in
            StatusReport(
                sequence: Self.firstSequence + UInt64(index),
                statuses: (0..<10).map { offset in
                    NodeDeploymentStatus(
                        deployment: "scale", observedGeneration: 2, nodeID: nodes[(index * 10 + offset) % nodes.count],
                        siteID: site, state: .installed, observedAt: .now, reportedBy: site)
                })
        }
        let last = Self.firstSequence + UInt64(indices.upperBound - 1)
        let acknowledgement = try await upstream.reportStatus(reports.async)
        guard acknowledgement.lastSequence == last else {
            throw MeasurementError("the central took reports from \(site) up to \(acknowledgement.lastSequence) only")
        }
    }
}
