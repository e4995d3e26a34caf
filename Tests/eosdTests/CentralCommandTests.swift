import EOSKit
import EOSTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("eosd central: the API and its start-up rules")
struct CentralCommandTests {
    static func tlsFolder(_ root: URL, role: SPIFFEIdentity) throws -> URL {
        let authority = try CertificateAuthority.create(trustDomain: "fleet.example.com")
        let folder = root.appendingPathComponent("tls")
        _ = try authority.issue(identity: role).write(to: folder)
        return folder
    }

    static func get(_ url: URL, token: String?) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: url)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("serves gRPC and the REST API with the dev token; SIGTERM stops it with status 0")
    func servesTheAPI() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-central-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tls = try Self.tlsFolder(root, role: try SPIFFEIdentity.central(in: "fleet.example.com"))
        let central = try EOSDProcess(
            [
                "central", "--data-dir", root.appendingPathComponent("data").path, "--tls-dir", tls.path,
                "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--dev-token", "s3cret",
            ])
        var port: Int?
        try await eventually("the central logs where its API is") {
            port =
                central.stderr.split(separator: "\n").lazy.compactMap { line -> Int? in
                    guard line.contains("serving the REST API"), let range = line.range(of: "http=127.0.0.1:") else {
                        return nil
                    }
                    return Int(line[range.upperBound...].prefix { $0.isNumber })
                }.first
            return port != nil
        }
        let base = try #require(port.flatMap { URL(string: "http://127.0.0.1:\($0)") })
        let health = try await Self.get(base.appendingPathComponent("healthz"), token: nil)
        #expect(health.status == 200)
        let refused = try await Self.get(base.appendingPathComponent("sites"), token: "wrong")
        #expect(refused.status == 401)
        let sites = try await Self.get(base.appendingPathComponent("sites"), token: "s3cret")
        #expect(sites.status == 200)
        #expect(sites.body.contains("\"items\":[]"), "\(sites.body)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("data/fleet.sqlite").path))
        central.signal(SIGTERM)
        let outcome = await central.wait()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("central orchestrator stopped"))
    }

    @Test("without a token or --insecure-no-auth it refuses to start, with status 2 and the way out")
    func needsAuthentication() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-central-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tls = try Self.tlsFolder(root, role: try SPIFFEIdentity.central(in: "fleet.example.com"))
        let arguments = [
            "central", "--data-dir", root.appendingPathComponent("data").path, "--tls-dir", tls.path,
            "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
        ]
        let refused = try await EOSDProcess.run(arguments)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--dev-token TOKEN, or --insecure-no-auth"), "\(refused.stderr)")
        let withID = try await EOSDProcess.run(arguments + ["--dev-token", "t", "--id", "central"])
        #expect(withID.status == 2)
        #expect(withID.stderr.contains("--id: the central has no id"), "\(withID.stderr)")
    }
}
