import ArgumentParser
import Foundation

/// `eosd`: the EOS daemons, one subcommand a tier.
///
/// Each subcommand composes EOSKit's services from its flags, `EOS_*` variables and an optional YAML file, and runs
/// them until SIGTERM or SIGINT, which shut them down gracefully. Exit codes: 0 after a graceful shutdown, 1 when
/// the daemon cannot start or fails while running, 2 for bad usage or configuration.
@main
struct EOSD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eosd",
        abstract: "Run an EOS tier: the central orchestrator, a site's local orchestrator or an edge node agent.",
        version: EOSDVersion.current,
        subcommands: [DevCommand.self, CentralCommand.self, SiteCommand.self, NodeCommand.self]
    )

    /// Runs the command line, mapping usage and configuration errors to exit code 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as DaemonFailure {
            FileHandle.standardError.write(Data("eosd: \(failure.message)\n".utf8))
            Foundation.exit(failure.exitStatus)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            Foundation.exit(code == .validationFailure ? DaemonFailure.usage : code.rawValue)
        }
    }
}

/// The version `eosd --version` prints.
enum EOSDVersion {
    static let current = "0.1.0"
}
