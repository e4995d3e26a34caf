import ArgumentParser
import EOSKit
import Foundation

/// `eosctl status [NAME] [--watch]`: where rollouts stand.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the rollout status of every deployment, or of one in detail.",
        discussion: """
            With NAME: the totals, the current wave, each site, and each failing node with its reason. --watch \
            prints it again whenever it changes, until interrupted. Exits 1 when the request fails.
            """
    )

    @Argument(help: "A deployment's name.")
    var name: String?

    @Flag(name: [.customShort("w"), .long], help: "Print again at every change, until interrupted.")
    var watch = false

    @Option(name: [.customShort("o"), .customLong("output")], help: "table, json or yaml.")
    var output: OutputFormat = .table

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try await server.client()
        try await RequestFailure.reporting {
            if let name {
                if watch {
                    for try await summary in client.watch(name, detail: true) { try show(summary) }
                } else {
                    try show(try await client.status(of: name, detail: true))
                }
            } else {
                var last: [DeploymentStatusSummary]?
                repeat {
                    let summaries = try await client.statuses()
                    if summaries.map(\.withoutTime) != last?.map(\.withoutTime) {
                        if last != nil { Console.out("\n") }
                        Console.out(
                            try output.document(summaries)
                                ?? (summaries.isEmpty ? "no deployments\n" : RolloutReport.table(summaries).text))
                        last = summaries
                    }
                    if watch { try await Task.sleep(for: .seconds(1)) }
                } while watch
            }
        }
    }

    private func show(_ summary: DeploymentStatusSummary) throws {
        if let document = try output.document(summary) {
            Console.out(document)
        } else {
            Console.out(RolloutReport.text(summary) + (watch ? "\n" : ""))
        }
    }
}

extension DeploymentStatusSummary {
    /// The summary without its time stamp, to tell a change from a poll.
    fileprivate var withoutTime: DeploymentStatusSummary {
        var copy = self
        copy.updatedAt = Timestamp(Date(timeIntervalSince1970: 0))
        return copy
    }
}
