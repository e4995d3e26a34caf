import Foundation
import OTel
import ServiceLifecycle

/// Tracing for an `eosd` process: with `--otlp-endpoint`, every span EOS makes (a deployment's `POST /deploy/fleet`,
/// `DeployFleet`, `ApplyDeploy`, the workload start) goes to that OpenTelemetry collector over OTLP/HTTP, and the
/// W3C trace context crosses the gRPC calls between tiers, so one rollout is one trace.
enum DaemonTracing {
    /// Bootstraps the process's tracer to export to `endpoint` as `serviceName`, and answers the service that
    /// exports; `nil` (and no tracer) without an endpoint. Only swift-distributed-tracing is bootstrapped: logs
    /// stay EOS's own, and metrics travel as telemetry.
    static func bootstrap(endpoint: URL?, serviceName: String) throws(DaemonFailure) -> (any Service)? {
        guard let endpoint else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.propagators = [.traceContext]
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.otlpExporter.endpoint = endpoint.appending(path: "v1/traces").absoluteString
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        do {
            return try OTel.bootstrap(configuration: configuration)
        } catch {
            throw .configuration("--otlp-endpoint: cannot start tracing to \(endpoint): \(error)")
        }
    }
}
