import EOSKit
import EOSTesting
import Foundation
import Testing

/// A rollout as one trace: `eosd dev --otlp-endpoint` exports its spans to a receiver that decodes them with the
/// OpenTelemetry protocol's own classes; the trace context crosses the real gRPC calls between the tiers.
@Suite(
    "eosd --otlp-endpoint: one trace per deployment",
    .enabled(
        if: OTLPTestReceiver.available || OTLPTestReceiver.required, "\(OTLPTestReceiver.unavailableReason ?? "")"),
    .timeLimit(.minutes(5)))
struct TracingTests {
    @Test("POST /deploy/fleet, DeployFleet, ApplyDeploy and the workload's start share one trace id")
    func oneTracePerDeployment() async throws {
        try await OTLPTestReceiver.with { receiver in
            let dev = try EOSDProcess(
                [
                    "dev", "--sites", "1", "--nodes-per-site", "1", "--http-listen", "127.0.0.1:0",
                    "--otlp-endpoint", receiver.endpoint.absoluteString,
                ])
            defer { if dev.isRunning { dev.signal(SIGKILL) } }
            try await eventually("the dev fleet is ready") { dev.stdout.contains("fleet ready") }
            let output = dev.stdout
            let api = try #require(DevCommandTests.printed("REST API", in: output).flatMap(URL.init(string:)))
            let token = try #require(DevCommandTests.printed("dev token", in: output))
            let document = try Data(
                contentsOf: DevCommandTests.examples.appendingPathComponent("hello-process.yaml"))
            _ = try await CentralClient(server: api, token: token).deploy(document: document)

            try await eventually("the workload's start exported in the deployment's trace") {
                let spans = try await receiver.spans()
                guard let root = spans.first(where: { $0.name == "POST /deploy/fleet" }) else { return false }
                return spans.contains { $0.name == "start workload" && $0.traceId == root.traceId }
            }
            // The spans of the calls end before the start's; give the exporters a moment to send every one.
            try await Task.sleep(for: .seconds(2))
            let spans = try await receiver.spans()
            let root = try #require(spans.first { $0.name == "POST /deploy/fleet" })
            #expect(root.parentSpanId.isEmpty)
            #expect(root.kind == "SPAN_KIND_SERVER")
            #expect(root.attributes["eos.deployment"] == "hello")
            let trace = spans.filter { $0.traceId == root.traceId }
            let tiers = Set(trace.compactMap { $0.attributes["eos.tier"]?.description })
            #expect(tiers == ["central", "site", "node"], "spans of every tier: \(trace.map(\.name))")
            for name in [
                "DeployFleet", "eos.margo.v1.LocalOrchestrator/DeployFleet", "ApplyDeploy",
                "eos.margo.v1.EdgeNode/ApplyDeploy", "start workload",
            ] {
                #expect(trace.contains { $0.name == name }, "\(name) in the trace: \(trace.map(\.name))")
            }
            // Every span but the root hangs from another span of the same trace.
            let ids = Set(trace.map(\.spanId))
            #expect(trace.allSatisfy { $0.spanId == root.spanId || ids.contains($0.parentSpanId) })
            let start = try #require(trace.first { $0.name == "start workload" })
            #expect(start.attributes["eos.workload"] != nil)
            #expect(start.resource["service.name"] == "eos-dev")

            // The central forwards the fleet's telemetry to the same collector.
            try await eventually("the node's host metrics at the collector") {
                try await receiver.metrics().contains {
                    $0.metric == "eos_host_memory_total_bytes" && $0.attributes["node"] == "site-1-node-1"
                }
            }
            dev.signal(SIGTERM)
            let outcome = await dev.wait()
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
    }
}
