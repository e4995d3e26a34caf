import EOSModel
import EOSSecurity
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization
import Testing

@testable import EOSMargo

/// Python 3 with grpcio and grpcio-tools, and the client script that calls EOS with them.
enum PythonGRPC {
    /// `Interop/margo_client.py` beside this file.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Interop/margo_client.py")
    /// The repository's `Protos/`, which the script compiles with grpcio-tools.
    static let protos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protos")

    /// CI sets `EOS_REQUIRE_INTEGRATION=1`: a missing Python or grpcio is then a failure, not a skip.
    static let required = ProcessInfo.processInfo.environment["EOS_REQUIRE_INTEGRATION"] == "1"

    /// The `python3` executable found on `PATH`.
    static let python3: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// What keeps the check from running on this machine, or `nil` when python3 imports grpc and grpc_tools.
    static let problem: String? = {
        guard let python3 else { return "python3 is not on PATH" }
        let check: CommandOutcome
        do {
            check = try SpawnedCommand.run(python3.path, ["-c", "import grpc, grpc_tools.protoc"])
        } catch {
            return "\(python3.path) does not start: \(error)"
        }
        guard check.status == 0 else {
            let reason = check.error.split(separator: "\n").last.map(String.init) ?? "exit \(check.status)"
            return "\(python3.path) cannot import grpc and grpc_tools (\(reason)); "
                + "install them with `python3 -m pip install grpcio grpcio-tools`"
        }
        return nil
    }()

    /// What one run of the script left behind.
    struct Run {
        var status: Int32
        var output: String
        var errors: String

        /// The JSON line the script printed last.
        func report() throws -> InteropReport {
            let line = try #require(
                output.split(separator: "\n").last, "the script printed nothing; stderr:\n\(errors)")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(InteropReport.self, from: Data(line.utf8))
        }
    }

    /// Runs the script with `arguments`, its output going to files in `directory`.
    ///
    /// Waits for the process without blocking a thread: the EOS server it calls runs on the same cooperative pool.
    static func run(_ arguments: [String], in directory: URL) async throws -> Run {
        let python3 = try #require(python3)
        let name = UUID().uuidString
        let outputFile = directory.appendingPathComponent("\(name).out")
        let errorFile = directory.appendingPathComponent("\(name).err")
        for file in [outputFile, errorFile] {
            try Data().write(to: file)
        }
        // A generous per-call deadline: on a busy two-core machine the server may wait long for a thread.
        let process = try SpawnedProcess(
            python3.path, [script.path, "--protos", protos.path, "--timeout", "120"] + arguments,
            standardOutput: outputFile.path, standardError: errorFile.path)
        // A script that outlives every call's deadline is stopped, and its output tells why.
        var status = await process.exit(within: .seconds(600))
        if status == nil { status = await process.stop() }
        return Run(
            status: status ?? SIGKILL, output: try String(contentsOf: outputFile, encoding: .utf8),
            errors: try String(contentsOf: errorFile, encoding: .utf8))
    }
}

/// The JSON line `margo_client.py` prints.
struct InteropReport: Decodable {
    struct Apply: Decodable {
        var outcome: String
        var generation: Int64
    }
    struct Status: Decodable {
        struct Deployment: Decodable, Equatable {
            var deployment: String
            var observedGeneration: Int64
            var nodeId: String
            var state: String
            var reportedBy: String
        }
        var nodeId: String
        var deployments: [Deployment]
    }
    struct Failure: Decodable {
        var code: String
        var method: String
        var details: String
    }

    var apply: Apply?
    var status: Status?
    var error: Failure?
}

/// An EN that keeps each desired state it is handed, then answers as ``RecordingEdgeNode`` does.
final class DesiredStateKeepingEdgeNode: EdgeNodeHandler {
    let recording = RecordingEdgeNode()
    let received = Mutex<[FleetDesiredState]>([])

    func applyDeploy(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        received.withLock { $0.append(desiredState) }
        return try await recording.applyDeploy(desiredState, caller: caller)
    }

    func removeDeploy(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        try await recording.removeDeploy(removal, caller: caller)
    }

    func nodeStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> NodeStatus {
        try await recording.nodeStatus(deployments: deployments, caller: caller)
    }
}

@Suite(
    "A Python grpcio client talks to EOS",
    .enabled(
        if: PythonGRPC.problem == nil || PythonGRPC.required,
        Comment(
            rawValue: "\(PythonGRPC.problem ?? "python3 with grpcio is missing"): skipping the cross-language check "
                + "(EOS_REQUIRE_INTEGRATION=1 makes this a failure)")))
struct PythonInteropTests {
    static let domain = "fleet.example.com"

    @Test(
        """
        over mutual TLS, Python applies a structured desired state and reads the node's status; \
        a sibling node's certificate is refused PERMISSION_DENIED
        """)
    func applyAndStatus() async throws {
        if let problem = PythonGRPC.problem {
            Issue.record("EOS_REQUIRE_INTEGRATION=1 but \(problem)")
            return
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("eos-python-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let node = try SPIFFEIdentity.node("edge-01", in: Self.domain)
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let sibling = try SPIFFEIdentity.node("edge-02", in: Self.domain)
        let siteFolder = directory.appendingPathComponent("site")
        let siblingFolder = directory.appendingPathComponent("sibling")
        try authority.issue(identity: site).write(to: siteFolder)
        try authority.issue(identity: sibling).write(to: siblingFolder)
        func credentials(_ folder: URL) -> [String] {
            [
                "--ca", folder.appendingPathComponent(TLSMaterial.caCertificateFileName).path,
                "--cert", folder.appendingPathComponent(TLSMaterial.certificateFileName).path,
                "--key", folder.appendingPathComponent(TLSMaterial.privateKeyFileName).path,
            ]
        }

        let handler = DesiredStateKeepingEdgeNode()
        let interceptor = PeerIdentityInterceptor(authorization: PeerAuthorization(server: node, parent: site))
        let serverTLS = try await EdgeNodeCallTests.material(node, from: authority)
        try await withGRPCServer(
            transport: MargoTransport.server(listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0), tls: serverTLS),
            services: [EdgeNodeService(handler: handler)], interceptors: [interceptor]
        ) { server in
            let address = try #require(try await server.listeningAddress?.ipv4)
            let target = ["--target", "\(address.host):\(address.port)"]

            let parent = try await PythonGRPC.run(
                target + credentials(siteFolder) + ["--deployment", "hello-python", "--generation", "3"], in: directory)
            #expect(parent.status == 0, "stdout:\n\(parent.output)\nstderr:\n\(parent.errors)")
            let report = try parent.report()
            #expect(report.error == nil)
            #expect(report.apply?.outcome == "APPLY_OUTCOME_ACCEPTED")
            #expect(report.apply?.generation == 3)
            #expect(report.status?.nodeId == "edge-01")
            #expect(
                report.status?.deployments == [
                    .init(
                        deployment: "hello-python", observedGeneration: 3, nodeId: "edge-01",
                        state: "DEPLOYMENT_STATE_INSTALLED", reportedBy: "node/edge-01")
                ])

            let stranger = try await PythonGRPC.run(
                target + credentials(siblingFolder) + ["--deployment", "hello-python", "--generation", "4"],
                in: directory)
            #expect(stranger.status == 1, "stdout:\n\(stranger.output)\nstderr:\n\(stranger.errors)")
            let refusal = try stranger.report()
            #expect(refusal.apply == nil)
            #expect(refusal.error?.code == "PERMISSION_DENIED")
            #expect(refusal.error?.method == "EdgeNode/ApplyDeploy")
            #expect(refusal.error?.details.contains("edge-02") == true, "\(refusal.error?.details ?? "")")
            #expect(stranger.errors.hasPrefix("PERMISSION_DENIED"), "\(stranger.errors)")
        }

        // The handler saw one apply, from the parent site, with what Python built.
        #expect(handler.recording.state.withLock { $0.callers } == [site])
        #expect(handler.recording.state.withLock { $0.applied } == ["hello-python": 3])
        let received = handler.received.withLock { $0 }
        #expect(received.map(\.deployment) == ["hello-python"])
        #expect(received.map(\.generation) == [3])
        let workload = try #require(received.first?.spec.workloads.first)
        #expect(workload.name == "greeter")
        #expect(workload.restartPolicy == .onFailure)
        #expect(workload.process?.command == ["/bin/sh", "-c", "echo hello from python"])
        #expect(workload.process?.env == ["GREETING": "hello"])
        #expect(interceptor.denials == 1)
    }
}
