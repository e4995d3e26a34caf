import EOSKit
import EOSTesting
import Foundation
import Testing

/// The three tiers as separate processes, as they run on separate hosts: `eosd central`, two `eosd site` and four
/// `eosd node` on a real containerd (a namespace each), all over mutual TLS, driven with `eosctl`.
@Suite(
    "A fleet of separate eosd processes over mutual TLS and containerd",
    .enabled(
        if: ContainerdTestEnvironment.available || ContainerdTestEnvironment.required,
        Comment(rawValue: "needs containerd: \(ContainerdTestEnvironment.unavailableReason ?? "")")),
    .timeLimit(.minutes(8)))
struct MultiProcessFleetTests {
    static let domain = "fleet.example.com"
    static let token = "multi-process-token"
    static let sites = ["site-a", "site-b"]
    static func nodes(of site: String) -> [String] { ["\(site)-node-1", "\(site)-node-2"] }

    /// A busybox container on every node labelled for containerd, from the image archive each node imports.
    static let busybox = """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata: {name: busybox}
        spec:
          target:
            nodes: {matchLabels: {runtime: containerd}}
          workloads:
            - name: ticker
              container:
                image: \(ContainerdTestEnvironment.image)
                command: ["/bin/sh", "-c", "while true; do sleep 5; done"]
              restartPolicy: Always
              stopTimeout: 2s
          rollout:
            strategy: Rolling
            maxUnavailable: 2
        """

    /// The port after `label` (`listening=127.0.0.1:PORT`) on the line of `process`'s log saying `message`.
    static func port(
        of process: EOSDProcess, logged message: String, label: String = "listening"
    ) async throws
        -> Int
    {
        var port: Int?
        try await eventually("\(message) in the log") {
            port =
                process.stderr.split(separator: "\n").lazy.compactMap { line -> Int? in
                    guard line.contains(message), let range = line.range(of: "\(label)=127.0.0.1:") else { return nil }
                    return Int(line[range.upperBound...].prefix { $0.isNumber })
                }.first
            return port != nil || !process.isRunning
        }
        return try #require(port, "\(process.stderr)")
    }

    /// Runs `body` with `count` containerd sandboxes, each a namespace of its own with the test image's archive.
    static func withSandboxes(
        _ count: Int, _ made: [ContainerdSandbox] = [], _ body: ([ContainerdSandbox]) async throws -> Void
    ) async throws {
        guard made.count < count else { return try await body(made) }
        try await ContainerdSandbox.with { sandbox, _ in try await withSandboxes(count, made + [sandbox], body) }
    }

    @Test("eosctl deploy --wait converges; a killed site's nodes turn Unknown; restarted, all converges again")
    func separateProcesses() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-processes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        func tier(_ identity: SPIFFEIdentity, _ name: String) throws -> (data: String, tls: String) {
            let tls = root.appendingPathComponent("tls/\(name)")
            _ = try authority.issue(identity: identity).write(to: tls, replace: true)
            return (root.appendingPathComponent("data/\(name)").path, tls.path)
        }
        var processes: [EOSDProcess] = []
        defer { for process in processes where process.isRunning { process.signal(SIGKILL) } }

        try await Self.withSandboxes(4) { sandboxes in
            // Nodes stop before their namespaces are emptied, or they would bring their containers back.
            defer {
                for process in processes where process.isRunning {
                    process.signal(SIGKILL)
                    _ = process.waitSynchronously()
                }
            }
            let centralTier = try tier(try SPIFFEIdentity.central(in: Self.domain), "central")
            let central = try EOSDProcess([
                "central", "--data-dir", centralTier.data, "--tls-dir", centralTier.tls, "--grpc-listen", "127.0.0.1:0",
                "--http-listen", "127.0.0.1:0", "--dev-token", Self.token,
            ])
            processes.append(central)
            let upstream = "127.0.0.1:\(try await Self.port(of: central, logged: "serving Upstream"))"
            let http = try await Self.port(of: central, logged: "serving the REST API", label: "http")
            let server = try #require(URL(string: "http://127.0.0.1:\(http)"))

            func site(_ id: String, port: Int) throws -> EOSDProcess {
                let files = try tier(try SPIFFEIdentity.site(id, in: Self.domain), id)
                let process = try EOSDProcess([
                    "site", "--id", id, "--data-dir", files.data, "--tls-dir", files.tls, "--grpc-listen",
                    "127.0.0.1:\(port)", "--central", upstream, "--label", "site=\(id)",
                ])
                processes.append(process)
                return process
            }
            var sitePorts: [String: Int] = [:]
            var siteProcesses: [String: EOSDProcess] = [:]
            for id in Self.sites {
                let process = try site(id, port: 0)
                siteProcesses[id] = process
                sitePorts[id] = try await Self.port(of: process, logged: "serving LocalOrchestrator and Upstream")
            }
            for (index, node) in Self.sites.flatMap(Self.nodes(of:)).enumerated() {
                let files = try tier(try SPIFFEIdentity.node(node, in: Self.domain), node)
                let site = String(node.prefix(6))
                processes.append(
                    try EOSDProcess([
                        "node", "--id", node, "--data-dir", files.data, "--tls-dir", files.tls, "--grpc-listen",
                        "127.0.0.1:0", "--upstream", "127.0.0.1:\(sitePorts[site]!)", "--runtime", "containerd",
                        "--containerd-namespace", sandboxes[index].namespace, "--containerd-address",
                        ContainerdTestEnvironment.address, "--image-archives",
                        sandboxes[index].root.appendingPathComponent("archives").path, "--label", "runtime=containerd",
                    ]))
            }

            let client = CentralClient(server: server, token: Self.token)
            try await eventually("the central lists four Ready nodes") {
                let nodes = (try? await client.nodes()) ?? []
                return nodes.count == 4 && nodes.allSatisfy { $0.liveness.liveness == .ready }
            }

            let fleet = root.appendingPathComponent("busybox.yaml")
            try Data(Self.busybox.utf8).write(to: fleet)
            let deployed = await EOSCtl.run(
                [
                    "deploy", "-f", fleet.path, "--wait", "--timeout", "240", "--server", server.absoluteString,
                    "--token",
                    Self.token,
                ])
            #expect(deployed.status == 0, "\(deployed.output)\n\(deployed.error)")
            #expect(deployed.output.contains("busybox generation 1 converged"), "\(deployed.output)")
            for sandbox in sandboxes {
                let tasks = sandbox.tasks
                #expect(tasks.values.map(\.status) == ["RUNNING"], "namespace \(sandbox.namespace): \(tasks)")
            }

            // A site that dies takes its nodes out of sight: they are Unknown, never Ready and never Offline yet.
            siteProcesses["site-a"]?.signal(SIGKILL)
            try await eventually("site-a's nodes are Unknown at the central") {
                let nodes = (try? await client.nodes(site: "site-a")) ?? []
                return nodes.count == 2 && nodes.allSatisfy { $0.liveness.liveness == .unknown }
            }
            let others = try await client.nodes(site: "site-b")
            #expect(others.allSatisfy { $0.liveness.liveness == .ready })
            let during = try await client.status(of: "busybox")
            #expect(during.nodes.unreachable == 2 && during.nodes.failed == 0, "\(during.progressLine)")

            // Restarted on its data folder and port: its nodes come back and the deployment is whole again.
            _ = try site("site-a", port: sitePorts["site-a"]!)
            try await eventually("all four nodes are Ready again and busybox is Complete on them") {
                let nodes = (try? await client.nodes()) ?? []
                let status = try? await client.status(of: "busybox")
                return nodes.count == 4 && nodes.allSatisfy { $0.liveness.liveness == .ready }
                    && status?.phase == .complete && status?.nodes.installed == 4
            }
            let status = await EOSCtl.run(
                ["status", "busybox", "--server", server.absoluteString, "--token", Self.token])
            #expect(status.output.contains("nodes: 4/4 installed"), "\(status.output)")

            for process in processes.reversed() where process.isRunning { process.signal(SIGTERM) }
            for process in processes {
                let outcome = await process.wait(seconds: 60)
                #expect(outcome.status == 0 || outcome.status == SIGKILL, "\(outcome.stderr.suffix(2000))")
            }
        }
    }
}

/// The built `eosctl`, beside `eosd`.
enum EOSCtl {
    /// Runs `eosctl ARGUMENTS` to its end on a thread of its own, so the test's tasks keep their threads.
    static func run(_ arguments: [String]) async -> ContainerdTestEnvironment.CommandResult {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let eosctl = EOSDProcess.binary.deletingLastPathComponent().appendingPathComponent("eosctl")
                continuation.resume(returning: ContainerdTestEnvironment.run(eosctl.path, arguments))
            }
        }
    }
}
