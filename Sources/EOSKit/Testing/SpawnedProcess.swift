internal import Foundation
import Synchronization

#if canImport(Glibc)
internal import Glibc
#endif

/// A long-running child process started with `posix_spawn`, as a service manager would start a daemon: its input is
/// `/dev/null`, its two outputs go to files (or are dropped), and it can be signalled and waited for.
///
/// Test helpers use it rather than Foundation's `Process`, for the reason ``SpawnedCommand`` gives. It is `Sendable`:
/// the child is reaped exactly once, whichever task or thread asks first, and its status kept.
public final class SpawnedProcess: Sendable {
    /// The child's process id.
    public let pid: Int32
    /// The child's exit code (or the number of the signal that ended it), once it has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` (an absolute path) with `arguments` and `environment` (this process's when `nil`).
    /// Standard output and standard error are appended to the files at `standardOutput` and `standardError`, created
    /// when missing (both may name the same file), or dropped when `nil`. Throws the `POSIXError` of `posix_spawn`
    /// when the child cannot start.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        standardOutput: String? = nil, standardError: String? = nil
    ) throws {
        pid = try SpawnedCommand.spawn(executable, arguments, environment: environment) { actions in
            let appending = O_WRONLY | O_CREAT | O_APPEND
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, standardOutput ?? "/dev/null", appending, 0o644)
            if let standardError, standardError == standardOutput {
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            } else {
                posix_spawn_file_actions_addopen(&actions, 2, standardError ?? "/dev/null", appending, 0o644)
            }
        }
    }

    /// The child's exit code, or the number of the signal that ended it; `nil` while it runs.
    public var exitStatus: Int32? {
        reaped.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid { status = SpawnedCommand.exitCode(raw) }
            }
            return status
        }
    }

    /// Whether the child is still running.
    public var isRunning: Bool { exitStatus == nil }

    /// Sends `signal` to the child, unless it has already been reaped (its pid may then belong to another process).
    public func signal(_ signal: Int32) {
        reaped.withLock { status in
            if status == nil { _ = kill(pid, signal) }
        }
    }

    /// Blocks the calling thread until the child ends; its exit code, or the number of the signal that ended it.
    ///
    /// It waits without reaping, then reaps under the lock, so it never races another caller for the status.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        while true {
            if let status = exitStatus { return status }
            usleep(1_000)
        }
    }

    /// Waits up to `timeout` for the child to end, polling without holding a thread; its exit status, or `nil` if
    /// it is still running when the time is up.
    public func exit(within timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = exitStatus { return status }
            if clock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Asks the child to stop with SIGTERM, sends SIGKILL if it has not ended within `grace`, and returns its exit
    /// status once it has.
    @discardableResult
    public func stop(grace: Duration = .seconds(5)) async -> Int32 {
        signal(SIGTERM)
        if let status = await exit(within: grace) { return status }
        signal(SIGKILL)
        while true {
            if let status = await exit(within: .seconds(60)) { return status }
        }
    }
}
