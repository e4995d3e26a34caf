import ArgumentParser
import EOSKit
import Foundation

/// How the `pki` commands report a refusal: the message on standard error, exit status 1.
enum PKIFailure {
    /// Prints `error: MESSAGE` to standard error and returns the exit code to throw.
    static func report(_ error: SecurityError) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return ExitCode(ExitStatus.failure)
    }
}
