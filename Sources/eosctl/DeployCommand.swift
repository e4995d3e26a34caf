import ArgumentParser
import EOSKit
import Foundation

/// `eosctl deploy -f FILE [--wait]`: deploys fleet specs and, if asked, follows each rollout until it settles.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy the FleetDeployments of a file, and with --wait follow each rollout until it settles.",
        discussion: """
            The file (YAML or JSON, multi-document streams too, '-' for standard input) is checked first: if any \
            document has a problem nothing is deployed and each problem is printed as FILE:LINE:COL: PATH: MESSAGE. \
            With --wait, each rollout's progress (nodes installed out of targeted, the wave, failures) is printed \
            as it changes until it is Complete (exit 0), or Failed, RolledBack or superseded (exit 1); --timeout \
            bounds the wait (exit 1). Exits 1 when a request fails, 2 for bad usage.
            """
    )

    @Option(name: [.customShort("f"), .customLong("filename")], help: "The file to deploy ('-' for standard input).")
    var file: String

    @Flag(help: "Follow each rollout until it settles.")
    var wait = false

    @Option(help: ArgumentHelp("How long --wait waits, in seconds (default 600).", valueName: "seconds"))
    var timeout: Int = 600

    @OptionGroup var server: ServerOptions

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        let deployments = try Self.deployments(in: file)
        let client = try await server.client()
        var accepted: [DeployAccepted] = []
        try await RequestFailure.reporting {
            for deployment in deployments {
                let answer = try await client.deploy(deployment)
                Console.out("deployed \(answer.name) generation \(answer.generation)\n")
                accepted.append(answer)
            }
        }
        guard wait else { return }
        let followed = accepted
        let timeout = self.timeout
        let outcomes = try await RequestFailure.reporting {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    var converged = true
                    for answer in followed { converged = try await Self.follow(answer, client: client) && converged }
                    return converged
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    Console.error("error: the rollouts did not settle within \(timeout) s\n")
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
        }
        if !outcomes { throw ExitCode(ExitStatus.failure) }
    }

    /// Prints the rollout of `answer` at each change until it settles; true when it converged.
    private static func follow(_ answer: DeployAccepted, client: CentralClient) async throws -> Bool {
        for try await summary in client.watch(answer.name, detail: true) {
            Console.out(summary.progressLine + "\n")
            switch summary.waitOutcome(for: answer.generation) {
            case .waiting:
                continue
            case .converged:
                Console.out("\(answer.name) generation \(answer.generation) converged\n")
                return true
            case .failed:
                Console.error("error: \(answer.name) generation \(answer.generation) did not converge:\n")
                Console.error(RolloutReport.text(summary, failuresOf: answer.generation))
                return false
            case .superseded:
                Console.error(
                    "error: \(answer.name) generation \(answer.generation) was superseded by generation "
                        + "\(summary.generation)\n")
                return false
            }
        }
        return false
    }

    /// The file's deployments; a problem in any document fails with every problem listed, before any request.
    private static func deployments(in file: String) throws -> [FleetDeployment] {
        let sources = try DocumentSources.expand([file])
        var deployments: [FleetDeployment] = []
        for source in sources {
            let data: Data
            switch source.contents {
            case .success(let contents): data = contents
            case .failure(let error):
                Console.error("error: \(source.name): cannot read: \(error.localizedDescription)\n")
                throw ExitCode(ExitStatus.failure)
            }
            do {
                deployments += try DocumentLoader.fleetDeployments(in: data, file: source.name)
            } catch {
                Console.error(error.description + "\n")
                throw ExitCode(ExitStatus.failure)
            }
        }
        return deployments
    }
}
