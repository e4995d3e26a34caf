import EOSKit
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

/// `eosd dev`, the one-command fleet, run as a user runs it from the README.
@Suite("eosd dev: a whole fleet in one process", .timeLimit(.minutes(5)))
struct DevCommandTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/fleets")

    /// The value printed after `label` on a line of `text`, up to the next space.
    static func printed(_ label: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix(label) else { continue }
            return trimmed.dropFirst(label.count).drop { $0 == " " }.prefix { $0 != " " }.description
        }
        return nil
    }

    /// `eosd dev ARGUMENTS` applying the hello fleet, once it says the fleet converged; the caller stops it.
    static func converged(_ arguments: [String]) async throws -> EOSDProcess {
        let dev = try EOSDProcess(
            ["dev"] + arguments + [
                "--http-listen", "127.0.0.1:0", "--apply", examples.appendingPathComponent("hello-process.yaml").path,
            ])
        do {
            try await eventually("the dev fleet converges on the hello deployment") {
                dev.stdout.contains("hello converged in")
            }
        } catch {
            dev.signal(SIGKILL)
            throw error
        }
        return dev
    }

    @Test("--apply deploys the hello fleet and shows it converge; the API answers with the printed token; SIGTERM")
    func applyAndServe() async throws {
        let dev = try await Self.converged(["--sites", "1", "--nodes-per-site", "2"])
        defer { if dev.isRunning { dev.signal(SIGKILL) } }
        let output = dev.stdout
        #expect(output.contains("fleet ready: 1 site, 2 nodes attached and Ready"), "\(output)")
        #expect(output.contains("Complete, 2/2 installed"), "\(output)")
        let api = try #require(Self.printed("REST API", in: output).flatMap(URL.init(string:)), "\(output)")
        let token = try #require(Self.printed("dev token", in: output))
        let data = try #require(Self.printed("data", in: output))
        #expect(FileManager.default.fileExists(atPath: data + "/pki/ca.pem"))

        let client = CentralClient(server: api, token: token)
        let status = try await client.status(of: "hello", detail: true)
        #expect(status.phase == .complete)
        #expect(status.nodeStatuses?.map(\.nodeID).sorted() == ["site-1-node-1", "site-1-node-2"])
        #expect(status.nodeStatuses?.allSatisfy { $0.workloads.first?.state == .running } == true)
        let refused = await #expect(throws: CentralClientError.self) {
            try await CentralClient(server: api, token: "wrong").sites()
        }
        #expect(refused?.status == 401)

        dev.signal(SIGTERM)
        let outcome = await dev.wait()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data), "the temporary data folder is removed at exit")
    }

    @Test("--network in-process runs the same fleet with no gRPC socket: the REST API is the one port it listens on")
    func inProcessNetwork() async throws {
        let dev = try await Self.converged([
            "--sites", "2", "--nodes-per-site", "3", "--runtime", "simulated", "--network", "in-process",
        ])
        defer { if dev.isRunning { dev.signal(SIGKILL) } }
        let output = dev.stdout
        #expect(output.contains("fleet ready: 2 sites, 6 nodes attached and Ready"), "\(output)")
        #expect(output.contains("Complete, 6/6 installed"), "\(output)")
        #expect(output.contains("gRPC in process, no sockets"), "\(output)")
        let api = try #require(Self.printed("REST API", in: output).flatMap(URL.init(string:)), "\(output)")
        let ports = try Self.listeningPorts(of: dev.pid)
        #expect(ports == [api.port], "listening on \(ports), the API on \(api.port as Int?)")

        dev.signal(SIGTERM)
        let outcome = await dev.wait()
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    /// The TCP ports process `pid` listens on: its socket descriptors matched against the kernel's LISTEN sockets.
    static func listeningPorts(of pid: Int32) throws -> [Int] {
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let inodes = Set(
            descriptors.compactMap { fd -> String? in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                    target.hasPrefix("socket:[")
                else { return nil }
                return String(target.dropFirst("socket:[".count).dropLast())
            })
        var ports: [Int] = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: the kernel reports a size of 0 for these files, and a reader that trusts the size
            // gets only the first page, which on a busy machine need not hold this process's sockets.
            guard let file = FileHandle(forReadingAtPath: table) else { continue }
            let text = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
            try? file.close()
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, the inode is the tenth field.
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
                    let port = fields[1].split(separator: ":").last.flatMap({ Int($0, radix: 16) })
                else { continue }
                ports.append(port)
            }
        }
        return ports.sorted()
    }

    @Test("an HTTP port already taken stops the whole fleet, which exits 1 naming the problem instead of hanging")
    func portTaken() async throws {
        let holder = GRPCServer(
            transport: HTTP2ServerTransport.Posix(
                address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext),
            services: [])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await holder.serve() }
            let port = try #require(try await holder.listeningAddress?.ipv4).port
            // Two sites, so the fleet is still starting tiers when the API fails and the shutdown begins.
            let dev = try EOSDProcess(["dev", "--sites", "2", "--http-listen", "127.0.0.1:\(port)"])
            let outcome = await dev.wait(seconds: 90)
            #expect(outcome.status == 1, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("Address already in use"), "\(outcome.stderr)")
            holder.beginGracefulShutdown()
        }
    }

    @Test("a bad --apply file or flag stops it before any tier starts, with status 2 and the problem's place")
    func refusals() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-dev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.yaml")
        try Data(
            "apiVersion: eos/v1\nkind: FleetDeployment\nmetadata: {name: bad}\nspec:\n  workloads:\n    - name: app\n      proces: {command: [/bin/true]}\n"
                .utf8
        ).write(to: bad)
        let invalid = try await EOSDProcess.run(["dev", "--apply", bad.path, "--http-listen", "127.0.0.1:0"])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("\(bad.path):7:7: spec.workloads[0].proces"), "\(invalid.stderr)")

        let noSites = try await EOSDProcess.run(["dev", "--sites", "0"])
        #expect(noSites.status == 2)
        #expect(noSites.stderr.contains("--sites: \"0\" is not a number from 1 to 100"), "\(noSites.stderr)")

        let runtime = try await EOSDProcess.run(["dev", "--runtime", "docker"])
        #expect(runtime.status == 2)
        #expect(runtime.stderr.contains("\"docker\" is not a runtime"), "\(runtime.stderr)")

        let network = try await EOSDProcess.run(["dev", "--network", "carrier-pigeon"])
        #expect(network.status == 2)
        #expect(
            network.stderr.contains("--network: \"carrier-pigeon\" is not a network; use tls or in-process"),
            "\(network.stderr)")
    }
}
