/// Why a daemon did not start or stopped: a message for the operator and the exit status.
struct DaemonFailure: Error, CustomStringConvertible {
    /// What went wrong, naming the flag, variable or file and the problem.
    let message: String
    /// The process's exit status.
    let exitStatus: Int32

    /// The daemon could not start or failed while running.
    static let failure: Int32 = 1
    /// The command line, a variable or the configuration file is wrong.
    static let usage: Int32 = 2

    /// A configuration error: exit status 2.
    static func configuration(_ message: String) -> DaemonFailure {
        DaemonFailure(message: message, exitStatus: usage)
    }

    /// A failure to start or to keep running: exit status 1.
    static func runtime(_ message: String) -> DaemonFailure {
        DaemonFailure(message: message, exitStatus: failure)
    }

    var description: String { message }
}
