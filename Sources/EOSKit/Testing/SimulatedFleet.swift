public import EOSKit
public import Foundation
internal import Logging
internal import ServiceLifecycle

/// A ``DevelopmentFleet`` on simulated runtimes with its REST API on a loopback port: the harness for tests of
/// anything that talks to a central as a user does (`eosctl`, ``CentralClient``, scripts).
///
/// Every node's ``SimulatedRuntime`` is reachable by node id in ``runtimes``, so a test can inject faults before or
/// during a rollout. The API wants ``token``, unless the fleet was made with an authenticator of its own.
public struct SimulatedFleet: Sendable {
    /// The bearer token the API wants.
    public static let token = "simulated-fleet-token"

    /// The fleet's shape; its data lives in a temporary folder removed after ``run(_:)``.
    public let configuration: DevelopmentFleetConfiguration
    /// Each node's runtime, by node id (`site-1-node-1`, …).
    public let runtimes: [String: SimulatedRuntime]
    /// Who the API lets in.
    public let authenticator: any UserAuthenticator
    /// How the portal signs users in.
    public let signIn: PortalSignIn

    /// A fleet of `sites` sites with `nodesPerSite` nodes each, heartbeating every 2 seconds: a node is `Unknown`
    /// only after 6 seconds of silence, which a test machine under load does not reach by accident. The API lets in
    /// the users `authenticator` finds: by default the holder of ``token``; its portal signs them in as `signIn`
    /// says. Sites and nodes collect telemetry every `telemetryInterval`; the tiers talk over `network`.
    public init(
        sites: Int = 2, nodesPerSite: Int = 2, authenticator: (any UserAuthenticator)? = nil,
        signIn: PortalSignIn = .token, telemetryInterval: Duration = .seconds(15), network: MargoNetwork = .mutualTLS
    ) {
        var configuration = DevelopmentFleetConfiguration(
            sites: sites, nodesPerSite: nodesPerSite,
            dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent(
                "eos-simulated-fleet-\(UUID().uuidString)"),
            telemetryInterval: telemetryInterval)
        configuration.network = network
        let runtimes = Dictionary(
            uniqueKeysWithValues: configuration.siteIDs.flatMap(configuration.nodeIDs(of:)).map {
                ($0, SimulatedRuntime())
            })
        configuration.runtime = .custom(name: "simulated") { node, _ in runtimes[node] ?? SimulatedRuntime() }
        self.configuration = configuration
        self.runtimes = runtimes
        self.authenticator = authenticator ?? StaticTokenAuthenticator(token: Self.token)
        self.signIn = signIn
    }

    /// A FleetDeployment document named `name` with one container workload of `image` on every node, rolled out
    /// all at once, or with `canary` in waves of 25% and 100% that roll back on the first failure.
    public static func deployment(name: String, image: String, canary: Bool = false) -> String {
        let rollout =
            canary
            ? "    strategy: Canary\n    steps: [\"25%\", \"100%\"]\n    autoRollback: true" : "    strategy: AllAtOnce"
        return """
            apiVersion: eos/v1
            kind: FleetDeployment
            metadata: {name: \(name)}
            spec:
              workloads:
                - name: app
                  container: {image: "\(image)"}
              rollout:
            \(rollout)
            """
    }

    /// Runs the fleet and its API until `body` returns, once every node is `Ready` at the central; `body` gets the
    /// fleet and the API's address (`http://127.0.0.1:PORT`).
    public func run<T: Sendable>(_ body: (DevelopmentFleet, URL) async throws -> T) async throws -> T {
        defer { try? FileManager.default.removeItem(at: configuration.dataDirectory) }
        let logger = Logger(label: "eos.simulated-fleet")
        let fleet = try await DevelopmentFleet(configuration: configuration, logger: logger)
        let (ports, listening) = AsyncStream<Int>.makeStream()
        let api = CentralAPI(central: fleet.central, authenticator: authenticator, signIn: signIn).application(
            host: "127.0.0.1", port: 0
        ) {
            listening.yield($0)
            listening.finish()
        }
        let group = ServiceGroup(services: [fleet, api], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                guard let port = await ports.first(where: { _ in true }),
                    let server = URL(string: "http://127.0.0.1:\(port)")
                else {
                    throw DevelopmentFleetError("the API did not start")
                }
                try await fleet.waitUntilAttached(timeout: .seconds(90))
                let result = try await body(fleet, server)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
