import EOSMargo
import EOSModel
import EOSRuntime
import EOSSecurity
import EOSTesting
import Foundation
import Logging
import Testing

@testable import EOSEdge
@testable import EOSTelemetry

/// A workload's own metrics: the node hands it the OpenTelemetry SDK's variables, takes its OTLP/HTTP exports, and
/// sends the samples up with the host's.
@Suite("Edge Node: OTLP from workloads", .timeLimit(.minutes(3)))
struct WorkloadTelemetryTests {
    @Test("a process workload posts OTLP to $OTEL_EXPORTER_OTLP_ENDPOINT; its samples reach the parent, labelled")
    func workloadMetricsGoUp() async throws {
        let fleet = try await EdgeNodeTests.Fleet()
        let parent = RecordingUpstream()
        let directory = EdgeStoreTests.temporaryDirectory()
        let body = directory.appendingPathComponent("export.bin")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // What an OpenTelemetry SDK sends: a gauge and a monotonic counter, with the resource the node set.
        let export: Data = try OTLPMetricsEncoding.request(
            [
                MetricPoint(name: "queue.depth", labels: ["line": "2"], value: 7, timestamp: .now),
                MetricPoint(name: "parts.made", value: 1200, timestamp: .now, kind: .counter),
            ], resource: ["service.name": "press"]
        ).serializedBytes()
        try export.write(to: body)
        var configuration = EdgeNodeTests.configuration(
            directory: directory.appendingPathComponent("node"), upstream: nil)
        configuration.otlpListen = MargoEndpoint(host: "127.0.0.1", port: 0)
        let script = """
            echo "$OTEL_EXPORTER_OTLP_ENDPOINT $OTEL_EXPORTER_OTLP_PROTOCOL $OTEL_RESOURCE_ATTRIBUTES" > \(directory.path)/env.txt
            curl -sf -o /dev/null -X POST -H 'Content-Type: application/x-protobuf' --data-binary @\(body.path) \
              "$OTEL_EXPORTER_OTLP_ENDPOINT/v1/metrics" && touch \(directory.path)/posted
            sleep 600
            """
        let state = FleetDesiredState(
            deployment: "line", generation: 1,
            spec: FleetDeploymentSpec(workloads: [
                Workload(name: "press", kind: .process(ProcessSpec(command: ["/bin/sh", "-c", script])))
            ]))
        try await EdgeNodeTests.withParent(parent, fleet: fleet) { upstream in
            configuration.upstream = upstream
            let runtime = ProcessRuntime(
                configuration: ProcessRuntimeConfiguration(
                    stateDirectory: directory.appendingPathComponent("processes")))
            try await EdgeNodeTests.withNode(configuration, fleet: fleet, runtime: runtime) { _, endpoint in
                // The node learns its parent from the upstream's certificate before it accepts applies from it.
                try await eventually("registration") { !parent.recorded.registrations.isEmpty }
                _ = try await EdgeNodeTests.apply(state, to: endpoint, fleet: fleet)
                // The host's figures are collected on their own interval, so they may follow the workload's.
                try await eventually("the workload's and the host's samples upstream", within: 60) {
                    let telemetry = parent.recorded.telemetry
                    return telemetry.contains { $0.name == "eos_app_parts_made_total" }
                        && telemetry.contains { $0.name == "eos_host_memory_total_bytes" }
                }
            }
        }
        let environment = try String(contentsOf: directory.appendingPathComponent("env.txt"), encoding: .utf8)
        #expect(environment.hasPrefix("http://127.0.0.1:"))
        #expect(environment.contains(" http/protobuf eos.node=edge-01,eos.deployment=line,eos.workload=press"))
        let samples = parent.recorded.telemetry
        let made = try #require(samples.first { $0.name == "eos_app_parts_made_total" })
        #expect(made.kind == .counter)
        #expect(made.value == 1200)
        #expect(made.labels == ["node": "edge-01", "service": "press"])
        let depth = try #require(samples.first { $0.name == "eos_app_queue_depth" })
        #expect(depth.kind == .gauge)
        #expect(depth.labels["line"] == "2")
        // The host's own figures travel in the same stream.
        #expect(samples.contains { $0.name == "eos_host_memory_total_bytes" && $0.labels["node"] == "edge-01" })
    }

    @Test("traces and logs are answered as rejected; a body that is not OTLP is refused")
    func otherSignals() throws {
        let request: Data = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest.with {
            $0.resourceSpans = [.with { $0.scopeSpans = [.with { $0.spans = [.init(), .init()] }] }]
        }.serializedBytes()
        let traces = try OTLPIntake.take(request, signal: .traces)
        #expect(traces.rejected == 2)
        #expect(traces.points.isEmpty)
        let answer = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(
            serializedBytes: traces.response)
        #expect(answer.partialSuccess.rejectedSpans == 2)
        #expect(throws: (any Error).self) { try OTLPIntake.take(Data([0xFF, 0xFF, 0xFF]), signal: .metrics) }
    }
}
