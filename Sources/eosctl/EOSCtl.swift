import ArgumentParser
import Foundation

/// `eosctl`: the command-line client for EOS.
///
/// Exit codes scripts can rely on: 0 success, 1 the request failed or was refused (or a document is invalid),
/// 2 bad usage.
@main
struct EOSCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eosctl",
        abstract: "Operate an EOS fleet: validate and deploy fleet specs, watch rollouts, inspect sites and nodes.",
        version: EOSCtlVersion.current,
        subcommands: [
            ValidateCommand.self, DeployCommand.self, StatusCommand.self, GetCommand.self, DeleteCommand.self,
            RollbackCommand.self, PauseCommand.self, ResumeCommand.self, PKICommand.self, LoginCommand.self,
            LogoutCommand.self,
        ]
    )

    /// Runs the command line, mapping ArgumentParser's usage errors to exit code 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as UsageFailure {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            Foundation.exit(ExitStatus.usage)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            if code == .validationFailure {
                Foundation.exit(ExitStatus.usage)
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// The exit codes of `eosctl`.
enum ExitStatus {
    /// Everything succeeded.
    static let success: Int32 = 0
    /// The request failed, was refused, or a document is invalid.
    static let failure: Int32 = 1
    /// The command line was wrong.
    static let usage: Int32 = 2
}

/// A usage or configuration problem found while running (no server, a bad configuration file): the message alone
/// on standard error, exit status 2.
struct UsageFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The version `eosctl --version` prints.
enum EOSCtlVersion {
    static let current = "0.1.0"
}
