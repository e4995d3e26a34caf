import EOSKit
import EOSTesting
import Foundation
import Testing

/// The web portal in a real browser: headless Chromium driven by selenium through the scenarios in
/// `Browser/portal_browser.py`, against a fleet of two sites of two simulated nodes and its central.
@Suite(
    "Web portal in headless Chromium", .serialized, .timeLimit(.minutes(8)),
    .enabled(
        if: PortalBrowser.unavailableReason == nil || PortalBrowser.required,
        "\(PortalBrowser.unavailableReason ?? "")"))
struct PortalBrowserTests {

    @Test("an administrator signs in, sees a problem at its line, deploys, watches 100%, rolls back; stale is marked")
    func operatorScenario() async throws {
        try #require(PortalBrowser.unavailableReason == nil, "\(PortalBrowser.unavailableReason ?? "")")
        let fleet = SimulatedFleet(telemetryInterval: .seconds(2))
        try await fleet.run { _, server in
            let (status, output) = try await PortalBrowser.run(
                "operator", ["--url", server.absoluteString, "--token", SimulatedFleet.token])
            #expect(status == 0, "\(output)")
            print(output)
        }
    }

    @Test("a viewer signs in at the OIDC provider (authorization code with PKCE) and sees no deploy or rollout control")
    func viewerScenario() async throws {
        try #require(PortalBrowser.unavailableReason == nil, "\(PortalBrowser.unavailableReason ?? "")")
        try #require(OIDCTestProvider.available, "\(OIDCTestProvider.unavailableReason ?? "")")
        try await OIDCTestProvider.with { provider in
            let verifier = OIDCTokenVerifier(
                configuration: OIDCConfiguration(issuer: provider.issuer, audience: "eos"),
                logger: .init(label: "test.portal.oidc"))
            let fleet = SimulatedFleet(
                authenticator: verifier, signIn: .openIDConnect(issuer: provider.issuer, clientID: "eos-portal"))
            try await fleet.run { development, server in
                // Two generations, so an operator would be offered a rollback: the viewer must not be.
                for image in ["registry.example.com/web:1", "registry.example.com/web:2"] {
                    let document = SimulatedFleet.deployment(name: "viewed", image: image)
                    guard
                        case .success(.fleetDeployment(let deployment)) = try #require(
                            DocumentLoader.load(Data(document.utf8)).first
                        ).result
                    else {
                        Issue.record("the test's own document does not load")
                        return
                    }
                    _ = try await development.central.deploy(deployment, by: "ada")
                }
                let (status, output) = try await PortalBrowser.run(
                    "viewer",
                    [
                        "--url", server.absoluteString, "--username", "vera", "--password", "pw", "--deployment",
                        "viewed",
                    ])
                #expect(status == 0, "\(output)\n\(provider.log.suffix(3000))")
                print(output)
            }
        }
    }
}
