import ArgumentParser
import EOSKit

/// `eosctl rollback deployment NAME`: returns a deployment to its previous generation.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Return a deployment to its previous generation, recorded as a new one.")

    @OptionGroup var target: RolloutControlTarget

    func run() async throws { try await target.send(.rollback, saying: "rolling back") }
}

/// `eosctl pause deployment NAME`: stops releasing waves.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop a rollout before its next wave; nodes already updated stay so.")

    @OptionGroup var target: RolloutControlTarget

    func run() async throws { try await target.send(.pause, saying: "paused") }
}

/// `eosctl resume deployment NAME`: releases waves again.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused rollout.")

    @OptionGroup var target: RolloutControlTarget

    func run() async throws { try await target.send(.resume, saying: "resumed") }
}

/// What the rollout-control commands take: `deployment NAME` and the server.
struct RolloutControlTarget: ParsableArguments {
    @Argument(help: "deployment")
    var resource: DeploymentResource

    @Argument(help: "The deployment's name.")
    var name: String

    @OptionGroup var server: ServerOptions

    /// Asks the server for `action` on the deployment and says what happened; exit 1 when refused.
    func send(_ action: CentralClient.RolloutAction, saying done: String) async throws {
        let client = try await server.client()
        let answer = try await RequestFailure.reporting { try await client.control(name, action) }
        Console.out("\(answer.name) \(done): generation \(answer.generation)\n")
    }
}
