import EOSKit
import Foundation
import ServiceLifecycle

/// What `eosd dev` tells its user on standard output: where the API is and its token, when the nodes are attached,
/// and, with `--apply`, the rollout of each deployment until it settles. It then waits for the shutdown.
///
/// It deploys and watches through the REST API, as `eosctl` does, so what it prints is what a user would see.
final class DevConsole: Service {
    private let settings: DevSettings
    private let fleet: DevelopmentFleet
    private let listening = AsyncStream<Int>.makeStream()

    init(settings: DevSettings, fleet: DevelopmentFleet) {
        self.settings = settings
        self.fleet = fleet
    }

    /// Called by the REST API once it listens, with the port it bound.
    func apiListening(on port: Int) {
        listening.continuation.yield(port)
        listening.continuation.finish()
    }

    func run() async throws {
        guard let port = await listening.stream.first(where: { _ in true }) else { return }
        let server = URL(string: "http://\(settings.http.host):\(port)")!
        await announce(server)
        try await fleet.waitUntilAttached()
        let nodes = settings.fleet.sites * settings.fleet.nodesPerSite
        Self.say(
            "fleet ready: \(Self.count(settings.fleet.sites, "site")), \(Self.count(nodes, "node")) attached and Ready")
        if let (file, deployments) = settings.apply.map({ ($0.file, $0.deployments) }) {
            let client = CentralClient(server: server, token: settings.token)
            for deployment in deployments {
                await apply(deployment, from: file, through: client)
            }
        }
        Self.say("serving; Ctrl-C stops the fleet")
        try? await gracefulShutdown()
    }

    private func announce(_ server: URL) async {
        let fleet = settings.fleet
        let central = await self.fleet.central.listeningEndpoint.map { "\($0)" } ?? "?"
        let data = fleet.dataDirectory.path
        let network =
            switch fleet.network {
            case .mutualTLS: "gRPC over mutual TLS"
            case .inProcess: "gRPC in process, no sockets"
            }
        Self.say(
            """
            EOS dev fleet: a central, \(Self.count(fleet.sites, "site")) of \(Self.count(fleet.nodesPerSite, "node")), \
            \(fleet.runtime.name) runtime
              portal     \(server.absoluteString)   (sign in with the dev token)
              REST API   \(server.absoluteString)   (GraphQL: POST /graphql, OpenAPI: /openapi.yaml)
              dev token  \(settings.token)
              central    \(central)   (\(network); CA in \(data)/pki)
              data       \(data)\(settings.temporaryData ? "   (removed at exit; --data-dir keeps it)" : "")
            Use it:
              export EOS_SERVER=\(server.absoluteString) EOS_TOKEN=\(settings.token)
              eosctl get nodes
            """)
    }

    private func apply(_ deployment: FleetDeployment, from file: String, through client: CentralClient) async {
        let started = ContinuousClock.now
        do {
            let accepted = try await client.deploy(deployment)
            Self.say("deployed \(accepted.name) generation \(accepted.generation) from \(file)")
            for try await summary in client.watch(accepted.name, every: .milliseconds(250)) {
                Self.say("  " + summary.progressLine)
                switch summary.waitOutcome(for: accepted.generation) {
                case .waiting: continue
                case .converged:
                    Self.say("\(accepted.name) converged in \(Self.seconds(since: started))")
                case .failed:
                    Self.say(
                        "\(accepted.name) did not converge: \(summary.phase.rawValue)"
                            + (summary.rollout.reason.map { " (\($0))" } ?? ""))
                case .superseded:
                    Self.say("\(accepted.name) generation \(accepted.generation) was superseded")
                }
                return
            }
        } catch {
            Self.say("\(deployment.metadata.name): \(error)")
        }
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    private static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return String(format: "%.1f s", seconds)
    }

    /// Writes `text` and a newline to standard output at once, even when it is a pipe.
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
