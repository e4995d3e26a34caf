internal import Foundation
internal import Subprocess

/// Runs `ctr` against one containerd socket and namespace, with a deadline, and turns its failures into
/// ``RuntimeError``s that carry `ctr`'s own words.
///
/// Every call passes `--address`, `--namespace` and `--connect-timeout`, so a containerd that is down fails fast
/// with ``RuntimeError/Code/runtimeUnavailable`` instead of hanging for `ctr`'s default 10 seconds. A call that
/// outlives its timeout, or whose task is cancelled, stops `ctr` (SIGTERM, then SIGKILL a second later).
struct CtrCommand: Sendable {
    /// How a `ctr` call ended.
    struct Result: Sendable, Hashable {
        /// `ctr`'s exit code (128 + the signal when a signal ended it).
        var exitCode: Int32
        /// What it printed on stdout.
        var standardOutput: String
        /// What it printed on stderr.
        var standardError: String

        /// Whether `ctr` exited 0.
        var succeeded: Bool { exitCode == 0 }
    }

    /// The `ctr` executable: a path, or a name found on `PATH`.
    let executable: String
    /// The flags every call starts with.
    let globalArguments: [String]
    private let clock: any Clock<Duration>

    /// A command for `configuration`'s socket and namespace, timing calls on `clock`.
    init(configuration: ContainerdConfiguration, clock: any Clock<Duration>) {
        executable = configuration.ctrPath
        globalArguments = [
            "--address", configuration.address, "--namespace", configuration.namespace,
            "--connect-timeout", Self.goDuration(configuration.connectTimeout),
        ]
        self.clock = clock
    }

    /// `duration` as Go's `time.ParseDuration` reads it, in whole milliseconds (at least 1).
    static func goDuration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))ms"
    }

    /// Runs `ctr ARGUMENTS` and returns how it ended, whatever its exit code.
    ///
    /// Throws only when `ctr` did not run to its end: ``RuntimeError/Code/runtimeUnavailable`` when it cannot be
    /// started, ``RuntimeError/Code/timedOut`` after `timeout`, ``RuntimeError/Code/cancelled``, and
    /// ``RuntimeError/Code/failed`` when it printed more than `outputLimit` bytes on stdout.
    func run(_ arguments: [String], timeout: Duration, outputLimit: Int = 4 << 20) async throws(RuntimeError) -> Result
    {
        enum Outcome: Sendable {
            case finished(Result)
            case timedOut
        }
        guard !Task.isCancelled else { throw Self.cancelled(arguments) }
        let outcome: Outcome
        do {
            outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask { .finished(try await self.launch(arguments, outputLimit: outputLimit)) }
                group.addTask {
                    try await self.clock.sleep(for: timeout)
                    return .timedOut
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .timedOut
            }
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw Task.isCancelled
                ? Self.cancelled(arguments)
                : RuntimeError(code: .failed, message: "\(describe(arguments)) failed", runtimeMessage: "\(error)")
        }
        switch outcome {
        case .finished(let result):
            // A call that completed counts even if the caller was cancelled meanwhile; one that cancellation cut
            // short (ctr ended by the teardown signal) is cancelled, not failed.
            if !result.succeeded, Task.isCancelled { throw Self.cancelled(arguments) }
            return result
        case .timedOut:
            throw RuntimeError(code: .timedOut, message: "\(describe(arguments)) did not finish within \(timeout)")
        }
    }

    /// Runs `ctr ARGUMENTS` and fails, with what `ctr` said, unless it exits 0. `doing` says what EOS was doing, for
    /// the error's message.
    @discardableResult
    func check(_ arguments: [String], timeout: Duration, doing: String) async throws(RuntimeError) -> Result {
        let result = try await run(arguments, timeout: timeout)
        guard result.succeeded else { throw Self.error(for: result, doing: doing) }
        return result
    }

    /// Runs `ctr ARGUMENTS` and hands each line it prints on stdout to `line` as it comes, until `ctr` exits
    /// (returning how it ended; stdout is not collected) or the task is cancelled (throwing
    /// ``RuntimeError/Code/cancelled``). For long-running commands such as `ctr events`: no timeout.
    func stream(
        _ arguments: [String], line: (Substring) async -> Void
    ) async throws(RuntimeError)
        -> Result
    {
        guard !Task.isCancelled else { throw Self.cancelled(arguments) }
        do {
            let result = try await Subprocess.run(
                subprocessExecutable, arguments: Arguments(globalArguments + arguments), platformOptions: Self.options,
                input: .none, output: .sequence, error: .string(limit: 64 << 10)
            ) { execution in
                for try await text in execution.standardOutput.strings() {
                    await line(Substring(text))
                }
            }
            guard !Task.isCancelled else { throw Self.cancelled(arguments) }
            return Result(
                exitCode: Self.exitCode(result.terminationStatus), standardOutput: "",
                standardError: result.standardError)
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw Task.isCancelled ? Self.cancelled(arguments) : launchError(error, arguments: arguments)
        }
    }

    /// The error a failed `ctr` call stands for: the code ``classify(_:)`` gives `ctr`'s message, that message as
    /// ``RuntimeError/runtimeMessage``.
    static func error(for result: Result, doing: String) -> RuntimeError {
        let message = CtrOutputParser.errorMessage(stderr: result.standardError) ?? "ctr exited with \(result.exitCode)"
        return RuntimeError(code: classify(message), message: doing, runtimeMessage: message)
    }

    /// The error code for a message `ctr` failed with: containerd unreachable, something exists already or is not
    /// there; anything else is ``RuntimeError/Code/failed``. Callers refine it where they know more (a missing
    /// image).
    static func classify(_ message: String) -> RuntimeError.Code {
        if message.contains("failed to dial") || message.contains("transport: error while dialing")
            || message.contains("connection refused") && message.contains("dial")
        {
            return .runtimeUnavailable
        }
        if message.hasSuffix("already exists") { return .alreadyExists }
        if message.hasSuffix("not found") { return .notFound }
        return .failed
    }

    // MARK: - Launching

    private static var options: PlatformOptions {
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(1))]
        return options
    }

    private var subprocessExecutable: Executable {
        executable.contains("/") ? .path(.init(executable)) : .name(executable)
    }

    private func launch(_ arguments: [String], outputLimit: Int) async throws(RuntimeError) -> Result {
        do {
            let result = try await Subprocess.run(
                subprocessExecutable, arguments: Arguments(globalArguments + arguments), platformOptions: Self.options,
                input: .none, output: .string(limit: outputLimit), error: .string(limit: 256 << 10))
            return Result(
                exitCode: Self.exitCode(result.terminationStatus), standardOutput: result.standardOutput,
                standardError: result.standardError)
        } catch {
            throw Task.isCancelled ? Self.cancelled(arguments) : launchError(error, arguments: arguments)
        }
    }

    private func launchError(_ error: any Error, arguments: [String]) -> RuntimeError {
        if let error = error as? SubprocessError {
            switch error.code {
            case .executableNotFound, .spawnFailed:
                return RuntimeError(
                    code: .runtimeUnavailable, message: "cannot run \(executable) (containerd's ctr)",
                    runtimeMessage: "\(error)")
            case .outputLimitExceeded:
                return RuntimeError(
                    code: .failed, message: "\(describe(arguments)) printed more than EOS reads",
                    runtimeMessage: "\(error)")
            default: break
            }
        }
        return RuntimeError(code: .failed, message: "\(describe(arguments)) failed", runtimeMessage: "\(error)")
    }

    private static func exitCode(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    private static func cancelled(_ arguments: [String]) -> RuntimeError {
        RuntimeError(code: .cancelled, message: "cancelled: ctr \(arguments.prefix(2).joined(separator: " "))")
    }

    private func describe(_ arguments: [String]) -> String {
        "ctr " + arguments.prefix(3).joined(separator: " ")
    }
}
