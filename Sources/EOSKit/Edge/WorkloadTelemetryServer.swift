internal import EOSMargo
internal import EOSModel
internal import EOSTelemetry
internal import Foundation
internal import Hummingbird
internal import Logging
internal import NIOCore

/// The Edge Node's OTLP/HTTP endpoint for its own workloads: `POST /v1/metrics` (protobuf) joins the node's
/// telemetry queue, labelled with the node; `/v1/traces` and `/v1/logs` are answered as rejected (``OTLPIntake``).
/// It listens on the host's loopback by default, where only the host's own processes reach it.
struct WorkloadTelemetryServer {
    /// The largest export taken: 4 MiB, an OTel SDK's batches are far smaller.
    static let maximumBodySize = 4 << 20

    let nodeID: String
    let buffer: TelemetryBuffer
    let logger: Logger

    func application(
        listen: MargoEndpoint, onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        let stamp = LabelStamp(["node": nodeID])
        let (buffer, logger) = (self.buffer, self.logger)
        router.post("/v1/:signal") { request, context -> Response in
            let name = try context.parameters.require("signal")
            guard let signal = OTLPIntake.Signal(rawValue: name) else {
                return Self.text(.notFound, "no OTLP signal \(name): use /v1/metrics, /v1/traces or /v1/logs")
            }
            let type = request.headers[.contentType] ?? ""
            guard type.hasPrefix("application/x-protobuf") else {
                return Self.text(.unsupportedMediaType, "send application/x-protobuf (OTLP/HTTP with protobuf)")
            }
            if let encoding = request.headers[.contentEncoding], encoding != "identity" {
                return Self.text(
                    .unsupportedMediaType, "Content-Encoding \(encoding) is not taken: send it uncompressed")
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.maximumBodySize)
            } catch {
                return Self.text(.contentTooLarge, "the export is larger than \(Self.maximumBodySize) bytes")
            }
            let outcome: OTLPIntake.Outcome
            do {
                outcome = try OTLPIntake.take(Data(buffer: body), signal: signal)
            } catch {
                return Self.text(.badRequest, "the body is not an OTLP \(signal.rawValue) export: \(error)")
            }
            if !outcome.points.isEmpty { buffer.append(stamp.process(outcome.points)) }
            if outcome.rejected > 0 {
                logger.debug(
                    "rejected part of a workload's export",
                    metadata: ["signal": "\(signal.rawValue)", "rejected": "\(outcome.rejected)"])
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/x-protobuf"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: outcome.response)))
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(listen.host, port: listen.port), serverName: "eos-node-otlp"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? listen.port) },
            logger: logger)
    }

    private static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
