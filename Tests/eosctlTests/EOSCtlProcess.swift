import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `eosctl` binary as a user would, capturing what it prints and its exit status.
struct EOSCtlProcess {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `eosctl` built beside this test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("eosctl")
    }

    /// Runs `eosctl ARGUMENTS` on a thread of its own, so a server in this test process keeps every task thread.
    static func run(
        _ arguments: [String], environment: [String: String]
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(arguments, environment: environment) })
            }
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not
    /// declare; `nil` where the C library lacks it, and the child then inherits what is not close-on-exec.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
            return unsafeBitCast(
                symbol,
                to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    /// Runs `eosctl ARGUMENTS` and waits for it, on the calling thread.
    ///
    /// It spawns with `posix_spawn` rather than Foundation's `Process`: on Linux, `Process.run()` reads
    /// `/proc/self/fd` past its buffer and crashes now and then when the process holds many descriptors, as this test
    /// process does with every fleet the suites run at once. Every descriptor but the three pipes is closed in the
    /// child.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil) throws -> Outcome
    {
        let input = try PipePair()
        let output = try PipePair()
        let errors = try PipePair()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
        let variables = environment ?? ProcessInfo.processInfo.environment
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, binary.path, &actions, nil, argv, envp)
        input.closeRead()
        output.closeWrite()
        errors.closeWrite()
        guard spawned == 0 else {
            input.closeWrite()
            output.closeRead()
            errors.closeRead()
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO)
        }
        if let stdin { input.write(Data(stdin.utf8)) }
        input.closeWrite()
        // Both pipes are read before waiting, so a chatty child never blocks on a full pipe.
        let outData = output.readToEnd()
        let errData = errors.readToEnd()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // A normal exit carries its code in bits 8-15; a signal's number is in the low seven bits.
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
        return Outcome(
            status: code, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The repository's root, found from this file's path.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The Margo specification's examples, in the `shared` folder beside the repository.
    static var margoTestdata: URL {
        repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata/margo")
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func temporaryFile(_ text: String, name: String = "fleet.yaml") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eosctl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
