import EOSKit
import EOSTesting
import Foundation
import Testing

/// `eosctl login` and `logout` against a real OpenID Connect provider process, and the other commands using the
/// stored login against a central that verifies the provider's tokens.
@Suite(
    "eosctl login at a real OIDC provider",
    .enabled(
        if: OIDCTestProvider.available || OIDCTestProvider.required,
        "\(OIDCTestProvider.unavailableReason ?? "")"),
    .timeLimit(.minutes(5)))
struct LoginCommandTests {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("eosctl-login-\(UUID().uuidString)")

    var environment: [String: String] {
        ["HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    }

    var credentials: URL { home.appendingPathComponent(".config/eos/credentials.json") }

    func eosctl(_ arguments: [String]) async throws -> EOSCtlProcess.Outcome {
        try await EOSCtlProcess.run(arguments, environment: environment)
    }

    func stored() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: credentials)) as? [String: Any])
    }

    func permissions(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    /// A provider, and a one-node fleet whose API verifies its tokens.
    func withFleet(_ body: (OIDCTestProvider, URL) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: home) }
        try await OIDCTestProvider.with { provider in
            let verifier = OIDCTokenVerifier(configuration: OIDCConfiguration(issuer: provider.issuer, audience: "eos"))
            try await SimulatedFleet(sites: 1, nodesPerSite: 1, authenticator: verifier).run { _, server in
                try await body(provider, server)
            }
        }
    }

    @Test("client credentials: the token is stored for its owner only, used by the other commands, renewed, forgotten")
    func clientCredentials() async throws {
        try await withFleet { provider, server in
            let issuer = provider.issuer.absoluteString
            let wrong = try await eosctl([
                "login", "--issuer", issuer, "--client-id", "ci-robot", "--client-secret", "x",
            ])
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("invalid_client"), "\(wrong.stderr)")
            #expect(!FileManager.default.fileExists(atPath: credentials.path))

            let login = try await eosctl(
                ["login", "--issuer", issuer, "--client-id", "ci-robot", "--client-secret", "s3cret"])
            #expect(login.status == 0, "\(login.stderr)")
            #expect(login.stdout.contains("as service-account-ci-robot"), "\(login.stdout)")
            #expect(try permissions(credentials) == 0o600)
            #expect(try permissions(credentials.deletingLastPathComponent()) == 0o700)
            let robot = try stored()
            #expect(robot["clientSecret"] as? String == "s3cret")
            #expect(robot["refreshToken"] == nil)

            // The stored token reaches the API: the robot is an operator and deploys.
            let file = try EOSCtlProcess.temporaryFile(SimulatedFleet.deployment(name: "robot", image: "local/robot:1"))
            let deploy = try await eosctl(["deploy", "-f", file, "--server", server.absoluteString])
            #expect(deploy.status == 0, "\(deploy.stderr)")

            // A token that expires within a minute is renewed (client credentials again) before the request.
            try await provider.setAccessTokenLifetime(30)
            #expect(
                try await eosctl(["login", "--issuer", issuer, "--client-id", "ci-robot", "--client-secret", "s3cret"])
                    .status == 0)
            let short = try stored()["accessToken"] as? String
            let sites = try await eosctl(["get", "sites", "--server", server.absoluteString])
            #expect(sites.status == 0, "\(sites.stderr)")
            let renewed = try stored()["accessToken"] as? String
            #expect(renewed != nil && renewed != short)

            // --token still wins over the stored login.
            let other = try await eosctl(["get", "sites", "--server", server.absoluteString, "--token", "nope"])
            #expect(other.status == 1)
            #expect(other.stderr.contains("not a JWT"), "\(other.stderr)")

            let logout = try await eosctl(["logout"])
            #expect(logout.status == 0)
            #expect(!FileManager.default.fileExists(atPath: credentials.path))
            let anonymous = try await eosctl(["get", "sites", "--server", server.absoluteString])
            #expect(anonymous.status == 1)
            #expect(anonymous.stderr.contains("401") || anonymous.stderr.contains("Bearer"), "\(anonymous.stderr)")
        }
    }

    @Test("device grant: prints the code, waits for the approval, stores a refresh token that renews the sign-in")
    func deviceGrant() async throws {
        try await withFleet { provider, server in
            let issuer = provider.issuer.absoluteString
            try await provider.setAccessTokenLifetime(30)
            let (status, output, errors) = try await loginByDevice(issuer: issuer) { code in
                try await provider.approveDevice(userCode: code, as: "vera")
            }
            #expect(status == 0, "\(errors)")
            #expect(errors.contains("Waiting for the sign-in to be approved"), "\(errors)")
            #expect(output.contains("as vera"), "\(output)")
            let first = try stored()
            let refresh = try #require(first["refreshToken"] as? String)
            #expect(first["clientSecret"] == nil)
            #expect(try permissions(credentials) == 0o600)

            // The token expires within the minute: the next command renews it with the refresh token, which the
            // provider rotates.
            let nodes = try await eosctl(["get", "nodes", "--server", server.absoluteString])
            #expect(nodes.status == 0, "\(nodes.stderr)")
            let renewed = try stored()
            #expect(renewed["accessToken"] as? String != first["accessToken"] as? String)
            #expect(renewed["refreshToken"] as? String != refresh)

            // vera is a viewer: her token reads but may not deploy.
            let file = try EOSCtlProcess.temporaryFile(SimulatedFleet.deployment(name: "vera", image: "local/vera:1"))
            let deploy = try await eosctl(["deploy", "-f", file, "--server", server.absoluteString])
            #expect(deploy.status == 1)
            #expect(deploy.stderr.contains("may not deploy"), "\(deploy.stderr)")

            // A denied sign-in fails and keeps the stored login as it was.
            let kept = try stored()
            let (deniedStatus, _, deniedErrors) = try await loginByDevice(issuer: issuer) { code in
                try await provider.approveDevice(userCode: code, as: "vera", deny: true)
            }
            #expect(deniedStatus == 1)
            #expect(deniedErrors.contains("access_denied"), "\(deniedErrors)")
            #expect(try stored()["accessToken"] as? String == kept["accessToken"] as? String)
        }
    }

    /// Runs `eosctl login` with the device grant, calls `approve` with the code it prints, and returns its exit
    /// status, standard output and standard error.
    func loginByDevice(
        issuer: String, approve: (String) async throws -> Void
    ) async throws -> (Int32, String, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eosctl-device-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = try SpawnedProcess(
            EOSCtlProcess.binary.path, ["login", "--issuer", issuer, "--client-id", "eosctl"],
            environment: environment, standardOutput: out.path, standardError: err.path)
        // A login that never prints its code, or never ends, does not outlive the test.
        defer { process.signal(SIGKILL) }
        var code: String?
        for _ in 0..<300 where code == nil {
            let text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            if let range = text.range(of: "enter the code ") {
                code = text[range.upperBound...].split(separator: "\n").first.map(String.init)
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let userCode = try #require(
            code, "eosctl printed no code: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
        try await approve(userCode)
        let status = await process.exit(within: .seconds(120)) ?? SIGKILL
        return (
            status, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }
}
