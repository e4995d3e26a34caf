import EOSTesting
import Foundation

/// The built `eosd` binary, run as an operator or a service manager would.
final class EOSDProcess: Sendable {
    /// The `eosd` built beside this test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("eosd")
    }

    /// What a finished `eosd` printed and its exit status.
    struct Outcome {
        let status: Int32
        let stderr: String
    }

    private let process: SpawnedProcess
    private let log: URL
    private let output: URL

    /// Starts `eosd ARGUMENTS` with `environment` added to the test's own; its standard error goes to a file.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-\(UUID().uuidString).log")
        output = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process = try SpawnedProcess(
            Self.binary.path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            standardOutput: output.path, standardError: log.path)
    }

    deinit {
        // What it wrote was read by the test; the files go with the process.
        try? FileManager.default.removeItem(at: log)
        try? FileManager.default.removeItem(at: output)
    }

    /// The process id.
    var pid: Int32 { process.pid }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// What the process has written to standard output so far.
    var stdout: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// What the process has written to standard error so far.
    var stderr: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends `signal` to the process.
    func signal(_ signal: Int32) { process.signal(signal) }

    /// Waits for the process to end, for at most `seconds`; kills it if it does not.
    func wait(seconds: Double = 60) async -> Outcome {
        var status = await process.exit(within: .milliseconds(Int(seconds * 1000)))
        if status == nil {
            process.signal(SIGKILL)
            status = await process.exit(within: .seconds(60))
        }
        return Outcome(status: status ?? SIGKILL, stderr: stderr)
    }

    /// Blocks until the process has ended, for clean-up paths that cannot await; its exit status.
    func waitSynchronously() -> Int32 {
        process.waitUntilExit()
    }

    /// Runs `eosd ARGUMENTS` to its end, for commands that should fail at once.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        try await EOSDProcess(arguments, environment: environment).wait()
    }
}
