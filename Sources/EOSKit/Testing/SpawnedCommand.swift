internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Runs a command to its end on the calling thread, with `posix_spawn`, and returns what it printed.
///
/// Test helpers use it rather than Foundation's `Process`: on Linux, `Process.run()` reads `/proc/self/fd` past its
/// buffer and now and then crashes the whole test process when that process holds many descriptors, as one running
/// many fleets' suites at once does. Every descriptor but the three pipes is closed in the child.
public enum SpawnedCommand {
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not
    /// declare; `nil` where the C library lacks it, and the child then inherits what is not close-on-exec.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
            return unsafeBitCast(
                symbol,
                to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    /// Runs `executable` with `arguments`, `stdin` as its input (none when `nil`) and `environment` (this
    /// process's when `nil`), and waits for it; throws the `POSIXError` of `posix_spawn` when it cannot start.
    ///
    /// Both outputs are read to their end before waiting, stdout first: a command that fills the stderr pipe while
    /// its stdout stays open would stall.
    public static func run(
        _ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil
    ) throws -> CommandOutcome {
        let input = try PipePair()
        let output = try PipePair()
        let errors = try PipePair()
        let spawned = Result {
            try spawn(executable, arguments, environment: environment) { actions in
                posix_spawn_file_actions_adddup2(&actions, input.read, 0)
                posix_spawn_file_actions_adddup2(&actions, output.write, 1)
                posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
            }
        }
        input.closeRead()
        output.closeWrite()
        errors.closeWrite()
        let pid = try spawned.get()
        if let stdin { input.write(Data(stdin.utf8)) }
        input.closeWrite()
        let outData = output.readToEnd()
        let errData = errors.readToEnd()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return CommandOutcome(
            status: exitCode(status), output: String(decoding: outData, as: UTF8.self),
            error: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `executable` with `arguments` and `environment` (this process's when `nil`), its descriptors set up by
    /// `redirect`; every descriptor from 3 on is closed in the child. Throws the `POSIXError` of `posix_spawn`.
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String]?,
        redirect: (inout posix_spawn_file_actions_t) -> Void
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        redirect(&actions)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let variables = environment ?? ProcessInfo.processInfo.environment
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        return pid
    }

    /// The exit code in a `waitpid` status, or the number of the signal that ended the child.
    static func exitCode(_ status: Int32) -> Int32 {
        // A normal exit carries its code in bits 8-15; a signal's number is in the low seven bits.
        status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }
}
