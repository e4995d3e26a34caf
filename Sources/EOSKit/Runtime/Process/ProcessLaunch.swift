import EOSModel
import Foundation
import Subprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How to run a command for a workload: the executable, its arguments, environment and working directory, the
/// same for the workload's own process and for a command run beside it (``EdgeRuntime/exec(_:command:timeout:)``).
struct ProcessLaunch: Sendable {
    /// The workload's id.
    var id: String
    /// argv; `[0]` is a path (relative ones from the working directory) or a name looked up in `PATH`.
    var command: [String]
    /// The full environment: the instance's effective environment, plus `PATH` when that has none.
    var environment: [String: String]
    /// The working directory: the spec's, or the workload's folder.
    var workingDirectory: String
    /// How long the process has to exit after SIGTERM before the group is killed, when the runtime itself stops it.
    var stopTimeout: Duration

    /// The launch of `record`'s workload, whose folder is `folder`; `nil` for a container spec.
    init?(_ record: ProcessRecord, id: String, folder: URL, defaultPath: String) {
        guard let spec = record.workload.process else { return nil }
        var environment = record.instance.effectiveEnvironment
        if environment["PATH"] == nil { environment["PATH"] = defaultPath }
        self.id = id
        self.command = spec.command
        self.environment = environment
        self.workingDirectory = spec.workingDirectory ?? folder.path
        self.stopTimeout = record.workload.stopTimeout.duration
    }

    /// The same launch running `command` instead.
    func running(_ command: [String]) -> ProcessLaunch {
        var launch = self
        launch.command = command
        return launch
    }

    /// The configuration for swift-subprocess: a new session (so the process leads its own group, which stop and
    /// remove signal as a whole, and has no controlling terminal), and, should the task running it be cancelled,
    /// SIGTERM to the group, `stopTimeout`, then SIGKILL to the group.
    var configuration: Subprocess.Configuration {
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: stopTimeout)
        ]
        let executable: Executable =
            command[0].contains("/") ? .path(FilePath(absolutePath(command[0]))) : .name(command[0])
        return Subprocess.Configuration(
            executable: executable,
            arguments: Arguments(Array(command.dropFirst())),
            environment: .custom(
                Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(rawValue: $0.key)!, $0.value) })),
            workingDirectory: FilePath(workingDirectory),
            platformOptions: options)
    }

    /// Finds the executable: a path must name an executable file; a name is looked up in the launch's `PATH`.
    /// Fails with what was wrong and the OS's words for it.
    func resolveExecutable() throws(RuntimeError) -> String {
        guard let name = command.first, !name.isEmpty else {
            throw RuntimeError(code: .imageUnavailable, message: "\(id) has no command")
        }
        if name.contains("/") {
            let path = absolutePath(name)
            if let problem = Self.problem(withExecutable: path) {
                throw RuntimeError(
                    code: .imageUnavailable, message: "executable \(path) of \(id) is not usable",
                    runtimeMessage: problem)
            }
            return path
        }
        let searchPath = environment["PATH"] ?? ""
        for directory in searchPath.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = "\(directory)/\(name)"
            if Self.problem(withExecutable: candidate) == nil { return candidate }
        }
        throw RuntimeError(
            code: .imageUnavailable, message: "executable \(name) of \(id) is not usable",
            runtimeMessage: "not found in PATH \(searchPath)")
    }

    /// A relative path taken from the working directory.
    private func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : "\(workingDirectory)/\(path)"
    }

    /// Why `path` cannot be executed (the OS's words), or `nil` when it can.
    private static func problem(withExecutable path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return SystemCallError.osMessage(errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return SystemCallError.osMessage(EACCES) + " (not a file)" }
        guard access(path, X_OK) == 0 else { return SystemCallError.osMessage(errno) }
        return nil
    }
}
