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

    /// The address of the REST API `central` logs once it serves it.
    static func apiAddress(of central: EOSDProcess) async throws -> URL {
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
        return try #require(port.flatMap { URL(string: "http://127.0.0.1:\($0)") })
    }

    static func arguments(_ root: URL, _ tls: URL) -> [String] {
        [
            "central", "--data-dir", root.appendingPathComponent("data").path, "--tls-dir", tls.path,
            "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
        ]
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
        let base = try await Self.apiAddress(of: central)
        let health = try await Self.get(base.appendingPathComponent("healthz"), token: nil)
        #expect(health.status == 200)
        let refused = try await Self.get(base.appendingPathComponent("sites"), token: "wrong")
        #expect(refused.status == 401)
        let sites = try await Self.get(base.appendingPathComponent("sites"), token: "s3cret")
        #expect(sites.status == 200)
        #expect(sites.body.contains("\"items\":[]"), "\(sites.body)")
        // The portal's files are found beside the executable, and the portal is told to ask for a token.
        let portal = try await Self.get(base, token: nil)
        #expect(portal.status == 200 && portal.body.contains("/portal/js/app.js"), "\(portal.body)")
        let signIn = try await Self.get(base.appendingPathComponent("portal/config.json"), token: nil)
        #expect(signIn.body == #"{"signIn":"token"}"#)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("data/fleet.sqlite").path))
        central.signal(SIGTERM)
        let outcome = await central.wait()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("central orchestrator stopped"))
    }

    @Test(
        "without an OIDC issuer, a dev token or --insecure-no-auth it refuses to start, with status 2 and the way out")
    func needsAuthentication() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-central-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tls = try Self.tlsFolder(root, role: try SPIFFEIdentity.central(in: "fleet.example.com"))
        let arguments = Self.arguments(root, tls)
        let refused = try await EOSDProcess.run(arguments)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--oidc-issuer URL --oidc-audience AUD"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--dev-token TOKEN, or --insecure-no-auth"), "\(refused.stderr)")
        let both = try await EOSDProcess.run(arguments + ["--dev-token", "t", "--insecure-no-auth"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("choose one of --dev-token, --insecure-no-auth"), "\(both.stderr)")
        let noAudience = try await EOSDProcess.run(arguments + ["--oidc-issuer", "https://id.example.com/realms/eos"])
        #expect(noAudience.status == 2)
        #expect(noAudience.stderr.contains("--oidc-audience is required"), "\(noAudience.stderr)")
        let badIssuer = try await EOSDProcess.run(
            arguments, environment: ["EOS_OIDC_ISSUER": "ftp://id.example.com", "EOS_OIDC_AUDIENCE": "eos"])
        #expect(badIssuer.status == 2)
        #expect(
            badIssuer.stderr.contains("EOS_OIDC_ISSUER: \"ftp://id.example.com\" is not an http:// or https:// URL"),
            "\(badIssuer.stderr)")
        let withID = try await EOSDProcess.run(arguments + ["--dev-token", "t", "--id", "central"])
        #expect(withID.status == 2)
        #expect(withID.stderr.contains("--id: the central has no id"), "\(withID.stderr)")
        let tinyHistory = try await EOSDProcess.run(
            arguments + ["--dev-token", "t", "--telemetry-history-samples", "5"])
        #expect(tinyHistory.status == 2)
        #expect(tinyHistory.stderr.contains("--telemetry-history-samples: "), "\(tinyHistory.stderr)")
        #expect(tinyHistory.stderr.contains("1000"), "\(tinyHistory.stderr)")
    }

    @Test(
        "with --oidc-issuer it verifies the provider's tokens and roles",
        .enabled(
            if: OIDCTestProvider.available || OIDCTestProvider.required, "\(OIDCTestProvider.unavailableReason ?? "")"))
    func oidc() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-central-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tls = try Self.tlsFolder(root, role: try SPIFFEIdentity.central(in: "fleet.example.com"))
        try await OIDCTestProvider.with { provider in
            let config = root.appendingPathComponent("central.yaml")
            try Data(
                """
                oidc-issuer: \(provider.issuer.absoluteString)
                oidc-viewer-role: fleet-reader
                portal-client-id: fleet-portal

                """.utf8
            ).write(to: config)
            let central = try EOSDProcess(
                Self.arguments(root, tls) + ["--config", config.path], environment: ["EOS_OIDC_AUDIENCE": "eos"])
            let base = try await Self.apiAddress(of: central)
            #expect(central.stderr.contains("fetched the identity provider's signing keys"), "\(central.stderr)")
            // The portal signs people in at the same issuer, as the configured public client.
            let signIn = try await Self.get(base.appendingPathComponent("portal/config.json"), token: nil)
            let answer = try JSONSerialization.jsonObject(with: Data(signIn.body.utf8)) as? [String: String]
            #expect(answer?["signIn"] == "oidc" && answer?["clientId"] == "fleet-portal", "\(signIn.body)")
            #expect(answer?["issuer"] == provider.issuer.absoluteString, "\(signIn.body)")
            let admin = try await provider.token(for: "ada")
            #expect(try await Self.get(base.appendingPathComponent("sites"), token: admin).status == 200)
            // vera's eos-viewer is not the configured viewer role, fleet-reader: she may not read.
            let vera = try await Self.get(
                base.appendingPathComponent("sites"), token: try await provider.token(for: "vera"))
            #expect(vera.status == 403)
            #expect(vera.body.contains("fleet-reader or eos-operator or eos-admin"), "\(vera.body)")
            let expired = try await provider.token(for: "ada", claims: ["exp": 1])
            #expect(try await Self.get(base.appendingPathComponent("sites"), token: expired).status == 401)
            central.signal(SIGTERM)
            let outcome = await central.wait()
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
    }

    @Test("--insecure-no-auth serves anyone and warns at start and on every request")
    func insecure() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-central-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tls = try Self.tlsFolder(root, role: try SPIFFEIdentity.central(in: "fleet.example.com"))
        let central = try EOSDProcess(Self.arguments(root, tls) + ["--insecure-no-auth"])
        let base = try await Self.apiAddress(of: central)
        for _ in 0..<3 {
            #expect(try await Self.get(base.appendingPathComponent("sites"), token: nil).status == 200)
        }
        central.signal(SIGTERM)
        let outcome = await central.wait()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.components(separatedBy: "WITHOUT AUTHENTICATION").count - 1 == 4, "\(outcome.stderr)")
    }
}
