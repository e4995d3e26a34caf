import ArgumentParser
import EOSKit

/// How a failed request ends `eosctl`: the whole story on standard error (the server's problem with each
/// validation problem at its line), exit status 1.
enum RequestFailure {
    /// Prints `error: …` for `error` and returns the exit code to throw.
    static func report(_ error: any Error) -> ExitCode {
        report("\(error)")
    }

    /// Prints `error: MESSAGE` and returns the exit code to throw.
    static func report(_ message: String) -> ExitCode {
        Console.error("error: \(message)\n")
        return ExitCode(ExitStatus.failure)
    }

    /// Runs `body`, turning a ``CentralClientError`` into exit status 1 after printing it.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CentralClientError {
            throw report(error)
        }
    }
}
