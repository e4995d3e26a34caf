import EOSKit
import EOSTesting
import Foundation
import Testing

/// `eosctl`'s server commands as a user runs them, against a central with two sites of two simulated nodes.
@Suite("eosctl against a central: deploy, status, get, delete, rollout control", .timeLimit(.minutes(5)))
struct ServerCommandsTests {
    /// A home of its own for each run, so no configuration file of the machine's is read.
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("eosctl-home-\(UUID().uuidString)")

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(extra) {
            $1
        }
    }

    func eosctl(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> EOSCtlProcess.Outcome {
        try await EOSCtlProcess.run(arguments, environment: environment(extra))
    }

    @Test("finds its server in flags, variables or the config file; deploys and waits; shows; controls; removes")
    func serverCommands() async throws {
        defer { try? FileManager.default.removeItem(at: home) }
        let fleet = SimulatedFleet()
        for runtime in fleet.runtimes.values {
            runtime.inject(SimulatedFault(.ensureImage, matching: "broken", message: "manifest unknown"))
        }
        try await fleet.run { _, server in
            let flags = ["--server", server.absoluteString, "--token", SimulatedFleet.token]
            let variables = ["EOS_SERVER": server.absoluteString, "EOS_TOKEN": SimulatedFleet.token]

            // No server anywhere: a usage error that says where one can be given.
            let lost = try await eosctl(["get", "nodes"])
            #expect(lost.status == 2)
            #expect(lost.stderr.contains("EOS_SERVER"), "\(lost.stderr)")

            // Flags.
            let nodes = try await eosctl(["get", "nodes"] + flags)
            #expect(nodes.status == 0, "\(nodes.stderr)")
            let rows = nodes.stdout.split(separator: "\n")
            #expect(rows.first?.hasPrefix("ID") == true)
            #expect(rows.filter { $0.contains("Ready") }.count == 4, "\(nodes.stdout)")

            // The configuration file, as JSON a script decodes.
            let config = home.appendingPathComponent(".config/eos")
            try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
            try Data("server: \(server.absoluteString)\ntoken: \(SimulatedFleet.token)\n".utf8).write(
                to: config.appendingPathComponent("config.yaml"))
            let sites = try await eosctl(["get", "sites", "-o", "json"])
            #expect(sites.status == 0, "\(sites.stderr)")
            let decoded = try JSONDecoder().decode([SiteSummary].self, from: Data(sites.stdout.utf8))
            #expect(decoded.map(\.id) == ["site-1", "site-2"])
            #expect(decoded.allSatisfy { $0.nodes == 2 })

            // A misspelt key in the file ($XDG_CONFIG_HOME's when set) is a usage error naming the file's line.
            let xdg = home.appendingPathComponent("xdg")
            try FileManager.default.createDirectory(
                at: xdg.appendingPathComponent("eos"), withIntermediateDirectories: true)
            try Data("server: \(server.absoluteString)\ntokn: x\n".utf8).write(
                to: xdg.appendingPathComponent("eos/config.yaml"))
            let misspelt = try await eosctl(["get", "sites"], ["XDG_CONFIG_HOME": xdg.path])
            #expect(misspelt.status == 2)
            #expect(misspelt.stderr.contains("eos/config.yaml:2: unknown setting \"tokn\""), "\(misspelt.stderr)")

            // Variables win over the file: a wrong token in the variable is refused, with the server's words.
            let refused = try await eosctl(["get", "deployments"], ["EOS_TOKEN": "wrong"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("HTTP 401"), "\(refused.stderr)")

            // deploy --wait follows the rollout to Complete.
            let hello = try EOSCtlProcess.temporaryFile(
                SimulatedFleet.deployment(name: "hello", image: "example/hello:1"))
            let deployed = try await eosctl(["deploy", "-f", hello, "--wait"], variables)
            #expect(deployed.status == 0, "\(deployed.stderr)")
            #expect(deployed.stdout.contains("deployed hello generation 1"), "\(deployed.stdout)")
            #expect(deployed.stdout.contains("Complete, 4/4 installed"), "\(deployed.stdout)")
            #expect(deployed.stdout.contains("hello generation 1 converged"), "\(deployed.stdout)")

            let status = try await eosctl(["status", "hello"], variables)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("hello  generation 1  Complete"), "\(status.stdout)")
            #expect(status.stdout.contains("nodes: 4/4 installed"), "\(status.stdout)")
            #expect(status.stdout.split(separator: "\n").filter { $0.hasPrefix("site-") }.count == 2)
            let yaml = try await eosctl(["status", "hello", "-o", "yaml"], variables)
            #expect(yaml.stdout.contains("phase: Complete"), "\(yaml.stdout)")
            let list = try await eosctl(["status"], variables)
            #expect(list.stdout.contains("hello"), "\(list.stdout)")

            // A file with a problem: nothing is sent, the problem is shown at its line.
            let broken = try EOSCtlProcess.temporaryFile(
                "apiVersion: eos/v1\nkind: FleetDeployment\nmetadata: {name: bad}\nspec:\n  workloads:\n"
                    + "    - name: app\n      proces: {command: [/bin/true]}\n")
            let invalid = try await eosctl(["deploy", "-f", broken], variables)
            #expect(invalid.status == 1)
            #expect(invalid.stderr.contains("\(broken):7:7: spec.workloads[0].proces"), "\(invalid.stderr)")

            // A canary that fails on its first wave: --wait ends with status 1, naming the node and the reason.
            let failing = try EOSCtlProcess.temporaryFile(
                SimulatedFleet.deployment(name: "hello", image: "example/broken:2", canary: true))
            let failed = try await eosctl(["deploy", "-f", failing, "--wait"], variables)
            #expect(failed.status == 1, "\(failed.stdout)")
            #expect(failed.stderr.contains("hello generation 2 did not converge"), "\(failed.stderr)")
            #expect(failed.stderr.contains("manifest unknown"), "\(failed.stderr)")

            // Rollout control and removal.
            let paused = try await eosctl(["pause", "deployment", "hello"], variables)
            #expect(paused.status == 0 && paused.stdout.contains("hello paused"), "\(paused.stderr)")
            let resumed = try await eosctl(["resume", "deployment", "hello"], variables)
            #expect(resumed.status == 0 && resumed.stdout.contains("hello resumed"), "\(resumed.stderr)")
            let unknown = try await eosctl(["status", "nope"], variables)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("HTTP 404 Not Found: no deployment named nope"), "\(unknown.stderr)")
            let removed = try await eosctl(["delete", "deployment", "hello"], variables)
            #expect(removed.status == 0 && removed.stdout.contains("removing hello"), "\(removed.stderr)")
            let usage = try await eosctl(["get", "widgets"], variables)
            #expect(usage.status == 2)
        }
    }

    @Test("status --watch prints again when the rollout changes")
    func watch() async throws {
        defer { try? FileManager.default.removeItem(at: home) }
        try await SimulatedFleet(sites: 1, nodesPerSite: 2).run { _, server in
            let variables = ["EOS_SERVER": server.absoluteString, "EOS_TOKEN": SimulatedFleet.token]
            let first = try EOSCtlProcess.temporaryFile(
                SimulatedFleet.deployment(name: "watched", image: "example/app:1"))
            #expect(try await eosctl(["deploy", "-f", first, "--wait"], variables).status == 0)

            let output = home.appendingPathComponent("watch.out")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let watcher = try SpawnedProcess(
                EOSCtlProcess.binary.path, ["status", "watched", "--watch"], environment: environment(variables),
                standardOutput: output.path)
            defer { watcher.signal(SIGTERM) }
            let printed = { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
            try await eventually("the watch prints generation 1") { printed().contains("watched  generation 1") }

            let second = try EOSCtlProcess.temporaryFile(
                SimulatedFleet.deployment(name: "watched", image: "example/app:2"))
            #expect(try await eosctl(["deploy", "-f", second], variables).status == 0)
            try await eventually("the watch prints generation 2 complete") {
                printed().contains("watched  generation 2  Complete")
            }
            #expect(watcher.isRunning, "a watch goes on until interrupted")
        }
    }
}
