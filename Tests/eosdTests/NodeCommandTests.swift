import EOSKit
import EOSTesting
import Foundation
import Testing

@Suite("eosd node: settings and start-up errors")
struct NodeCommandTests {
    static func write(_ text: String, in fleet: NodeTestFleet) throws -> String {
        try FileManager.default.createDirectory(at: fleet.root, withIntermediateDirectories: true)
        let file = fleet.root.appendingPathComponent("node.yaml")
        try Data(text.utf8).write(to: file)
        return file.path
    }

    @Test("settings from a YAML file and EOS_* variables run the node; SIGTERM stops it with status 0")
    func configFileAndVariables() async throws {
        let fleet = try await NodeTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let config = try Self.write(
            """
            id: edge-01
            data-dir: \(fleet.dataDirectory.path)
            grpc-listen: 127.0.0.1:0
            upstream: 127.0.0.1:9
            runtime: simulated
            label: {zone: north, line: "3"}
            """, in: fleet)
        let node = try EOSDProcess(
            ["node", "--config", config],
            environment: ["EOS_TLS_DIR": fleet.tlsDirectory.path, "EOS_LOG_LEVEL": "info"])
        _ = try await NodeTestFleet.endpoint(of: node)
        #expect(FileManager.default.fileExists(atPath: fleet.dataDirectory.appendingPathComponent("edge.sqlite").path))
        #expect(node.stderr.contains("runtime=simulated"))
        node.signal(SIGTERM)
        let outcome = await node.wait()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("edge node stopped"))
    }

    @Test("a started node gives back the code pages its start mapped; with --keep-code-resident it keeps them")
    func codePageRelease() async throws {
        let (releasing, keeping) = (try await NodeTestFleet(), try await NodeTestFleet())
        defer {
            try? FileManager.default.removeItem(at: releasing.root)
            try? FileManager.default.removeItem(at: keeping.root)
        }
        // No parent answers: the nodes start, then only retry their registration.
        let nowhere = MargoEndpoint(host: "127.0.0.1", port: 9)
        let released = try EOSDProcess(releasing.nodeArguments(upstream: nowhere))
        let kept = try EOSDProcess(keeping.nodeArguments(upstream: nowhere) + ["--keep-code-resident"])
        defer {
            released.signal(SIGKILL)
            kept.signal(SIGKILL)
        }
        try await eventually("the node logs a release") {
            released.stderr.contains("released code pages") || !released.isRunning
        }
        let line = try #require(released.stderr.split(separator: "\n").first { $0.contains("released code pages") })
        let kibibytes = ["resident-before", "resident-after"].compactMap { key -> Int? in
            guard let range = line.range(of: "\(key)=") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        try #require(kibibytes.count == 2, "\(line)")
        #expect(kibibytes[1] < kibibytes[0] - 1024, "\(line)")
        // The other node started at the same time; it has had as long, and five seconds more, to release.
        try await Task.sleep(for: .seconds(5))
        #expect(kept.isRunning && released.isRunning)
        #expect(!kept.stderr.contains("released code pages"), "\(kept.stderr)")
    }

    /// `eosd node` with good settings, where `overrides` replaces a flag's value, adds a flag, or (`nil`) drops it.
    static func arguments(_ overrides: [String: String?]) -> [String] {
        var flags: [(String, String?)] = [
            ("--id", "edge-01"), ("--data-dir", "/tmp/unused"), ("--tls-dir", "/tmp/unused"),
            ("--grpc-listen", "127.0.0.1:0"), ("--upstream", "127.0.0.1:9"),
        ]
        for (flag, value) in overrides.sorted(by: { $0.key < $1.key }) {
            if let index = flags.firstIndex(where: { $0.0 == flag }) {
                flags[index].1 = value
            } else {
                flags.append((flag, value))
            }
        }
        return ["node"] + flags.flatMap { flag, value in value.map { [flag, $0] } ?? [] }
    }

    @Test(
        "a wrong setting names its flag, variable or file line and exits 2",
        arguments: [
            (["--data-dir": nil], [:], "--data-dir is required"),
            (["--grpc-listen": "localhost"], [:], "--grpc-listen: \"localhost\" is not HOST:PORT"),
            (
                ["--upstream": nil], ["EOS_UPSTREAM": "127.0.0.1:70000"],
                "EOS_UPSTREAM: \"127.0.0.1:70000\" has no valid port"
            ),
            (["--runtime": "docker"], [:], "--runtime: \"docker\" is not a runtime"),
            (["--label": "zone"], [:], "--label: \"zone\" is not KEY=VALUE"),
            (["--id": "Edge_01"], [:], "--id: \"Edge_01\" is not a DNS-1123 label"),
            ([:], ["EOS_LOG_LEVEL": "loud"], "EOS_LOG_LEVEL: \"loud\" is not a log level"),
            ([:], ["EOS_KEEP_CODE_RESIDENT": "perhaps"], "EOS_KEEP_CODE_RESIDENT: \"perhaps\" is not true or false"),
        ] as [([String: String?], [String: String], String)])
    func wrongSetting(overrides: [String: String?], environment: [String: String], message: String) async throws {
        let outcome = try await EOSDProcess.run(Self.arguments(overrides), environment: environment)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }

    @Test("a misspelt key or a list where one value belongs is refused with its file and line")
    func wrongFile() async throws {
        let fleet = try await NodeTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let misspelt = try Self.write("id: edge-01\nlables: {zone: north}\n", in: fleet)
        let unknown = try await EOSDProcess.run(["node", "--config", misspelt])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("node.yaml:2: unknown setting 'lables'"), "\(unknown.stderr)")

        let list = try Self.write("id: [edge-01]\n", in: fleet)
        let wrongShape = try await EOSDProcess.run(["node", "--config", list])
        #expect(wrongShape.status == 2)
        #expect(wrongShape.stderr.contains("node.yaml:1: id: must be a single value"), "\(wrongShape.stderr)")

        let missing = try await EOSDProcess.run(["node", "--config", fleet.root.appendingPathComponent("no.yaml").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot be read"), "\(missing.stderr)")
    }

    @Test("a certificate for another node, or no certificate at all, stops the start with status 1 and the fix")
    func wrongCertificate() async throws {
        let fleet = try await NodeTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        var arguments = fleet.nodeArguments(upstream: MargoEndpoint(host: "127.0.0.1", port: 9))
        arguments[arguments.firstIndex(of: "edge-01")!] = "edge-02"
        let other = try await EOSDProcess.run(arguments)
        #expect(other.status == 1)
        #expect(other.stderr.contains("'eosctl pki issue --role node --id edge-02'"), "\(other.stderr)")

        let empty = fleet.root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        var noCertificate = fleet.nodeArguments(upstream: MargoEndpoint(host: "127.0.0.1", port: 9))
        noCertificate[noCertificate.firstIndex(of: fleet.tlsDirectory.path)!] = empty.path
        let none = try await EOSDProcess.run(noCertificate)
        #expect(none.status == 1)
        #expect(none.stderr.contains("--tls-dir \(empty.path)"), "\(none.stderr)")
        #expect(none.stderr.contains("ca.pem"), "\(none.stderr)")
    }
}
