import ArgumentParser
import EOSKit

/// `eosctl delete deployment NAME`: removes a deployment from every node.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Remove a deployment from every node it runs on.",
        discussion: "The removal is recorded as the deployment's next generation. Exits 1 when the request fails."
    )

    @Argument(help: "deployment")
    var resource: DeploymentResource

    @Argument(help: "The deployment's name.")
    var name: String

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try await server.client()
        let answer = try await RequestFailure.reporting { try await client.remove(name) }
        Console.out("removing \(answer.name): generation \(answer.generation)\n")
    }
}

/// The one resource the rollout-control and delete commands act on: `deployment`.
enum DeploymentResource: String, ExpressibleByArgument, CaseIterable {
    case deployment
}
