import EOSTesting
import Foundation

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

    /// Runs `eosctl ARGUMENTS` and waits for it, on the calling thread, with ``SpawnedCommand`` (not Foundation's
    /// `Process`, which can crash a test process holding many descriptors).
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil) throws -> Outcome
    {
        let outcome = try SpawnedCommand.run(binary.path, arguments, stdin: stdin, environment: environment)
        return Outcome(status: outcome.status, stdout: outcome.output, stderr: outcome.error)
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
        let folder = TestScratch.path("eosctl-tests")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
