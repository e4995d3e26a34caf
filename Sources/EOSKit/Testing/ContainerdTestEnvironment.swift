internal import Foundation

/// What containerd integration tests need from the machine: `ctr`, a containerd answering on its socket, and the
/// busybox OCI archive `scripts/containerd-test-image.sh` builds (`EOS_CONTAINERD_TEST_IMAGE`).
///
/// Read from the process environment once. A test suite enables itself with
/// `.enabled(if: ContainerdTestEnvironment.available || ContainerdTestEnvironment.required, …)`, so that on a bare
/// machine it is skipped with ``unavailableReason`` and in CI (`EOS_REQUIRE_INTEGRATION=1`) it runs and fails;
/// ``ContainerdSandbox/with(_:)`` gives each test its own namespace.
public enum ContainerdTestEnvironment {
    /// What a command printed and how it ended.
    public typealias CommandResult = CommandOutcome

    private static let environment = ProcessInfo.processInfo.environment

    /// Whether the integration tests must run (`EOS_REQUIRE_INTEGRATION=1`, as CI sets it): anything missing is then
    /// a failure, not a skip.
    public static let required = environment["EOS_REQUIRE_INTEGRATION"] == "1"

    /// containerd's socket: `EOS_CONTAINERD_ADDRESS`, else containerd's default `/run/containerd/containerd.sock`.
    public static let address = environment["EOS_CONTAINERD_ADDRESS"] ?? "/run/containerd/containerd.sock"

    /// The image reference the test archive is imported as: `local/busybox:latest`.
    ///
    /// It holds Debian's static busybox with the applets `sh echo sleep cat ls true false env head tail yes dd id kill
    /// seq` in `/bin`, and no entrypoint (its command is `/bin/sh`).
    public static let image = "local/busybox:latest"

    /// The `ctr` executable found on `PATH`, if any.
    public static let ctr: String? = {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/ctr" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The busybox OCI archive `EOS_CONTAINERD_TEST_IMAGE` names, when that file exists.
    public static let archive: String? = environment["EOS_CONTAINERD_TEST_IMAGE"].flatMap {
        FileManager.default.fileExists(atPath: $0) ? $0 : nil
    }

    /// Why containerd integration tests cannot run here (and what to do about it), or `nil` when they can.
    ///
    /// The first read asks containerd for its version, waiting at most 2 seconds.
    public static let unavailableReason: String? = {
        guard let ctr else { return "ctr is not on PATH (Debian: apt-get install containerd)" }
        guard archive != nil else {
            return "EOS_CONTAINERD_TEST_IMAGE does not name an OCI archive "
                + "(build one: scripts/containerd-test-image.sh /tmp/busybox.tar)"
        }
        let version = run(ctr, ["--address", address, "--connect-timeout", "2s", "version"])
        guard version.status == 0 else {
            return
                "containerd does not answer on \(address): \(version.error.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        return nil
    }()

    /// Whether containerd integration tests can run here.
    public static var available: Bool { unavailableReason == nil }

    /// Runs `executable` with `arguments` to its end, with no input, and returns its exit status and output.
    ///
    /// It blocks the calling thread; it is meant for short `ctr` calls. Both outputs are read to their end, so a
    /// command that writes a lot on stderr while its stdout stays open can stall it.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) -> CommandResult {
        do {
            return try SpawnedCommand.run(executable, arguments)
        } catch {
            return CommandResult(status: 127, output: "", error: "\(error)")
        }
    }
}
