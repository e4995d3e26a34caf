public import EOSKit
public import Foundation

/// One test's own containerd namespace, state folder and image-archive folder, deleted with everything in them
/// afterwards.
///
/// ``with(_:)`` makes a fresh namespace (`eos-test-<random>`) whose archive folder holds the test image
/// (``ContainerdTestEnvironment/image``, from ``ContainerdTestEnvironment/archive``), hands the body a
/// ``ContainerdRuntime`` configured for it, and cleans up when the body returns or throws: tasks killed, containers,
/// images and the namespace deleted, the folders removed. The sandbox's `ctr` helpers look into the namespace from
/// outside the runtime, so a test asserts on what containerd holds rather than on what the runtime says.
///
/// Tests running at the same time each get their own namespace; they share the containerd, so its content store
/// is shared too (the image is imported once per namespace).
public struct ContainerdSandbox: Sendable {
    /// The containerd namespace: `eos-test-` and 8 random hex digits.
    public let namespace: String
    /// The sandbox's folder: `state/` holds the runtime's logs and exit records, `archives/` the image archives.
    public let root: URL
    /// The `ctr` executable.
    public let ctrPath: String

    init(ctrPath: String) {
        namespace = "eos-test-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-containerd-test-\(UUID())")
        self.ctrPath = ctrPath
    }

    /// A runtime configuration for the sandbox: its namespace, state and archive folders, and short timeouts
    /// (20 s per command, 60 s per import or pull, 2 s to connect, 1 s at most between attempts to follow events),
    /// with 64 KiB log files checked every second.
    public var configuration: ContainerdConfiguration {
        ContainerdConfiguration(
            namespace: namespace, address: ContainerdTestEnvironment.address, ctrPath: ctrPath,
            stateDirectory: root.appendingPathComponent("state"),
            imageArchives: root.appendingPathComponent("archives"), commandTimeout: .seconds(20),
            pullTimeout: .seconds(60), connectTimeout: .seconds(2), logSizeLimit: 64 << 10,
            logCheckInterval: .seconds(1), eventsMaxBackoff: .seconds(1))
    }

    /// Runs `body` with a fresh sandbox and a ``ContainerdRuntime`` for it, then deletes everything in the sandbox.
    ///
    /// Throws ``ContainerdSandboxError`` when containerd integration tests cannot run here
    /// (``ContainerdTestEnvironment/unavailableReason``), before calling `body`.
    public static func with<T>(
        _ body: (ContainerdSandbox, ContainerdRuntime) async throws -> T
    ) async throws -> T {
        if let reason = ContainerdTestEnvironment.unavailableReason {
            let required = ContainerdTestEnvironment.required ? "EOS_REQUIRE_INTEGRATION=1 but " : ""
            throw ContainerdSandboxError("\(required)containerd integration tests cannot run: \(reason)")
        }
        guard let ctr = ContainerdTestEnvironment.ctr, let archive = ContainerdTestEnvironment.archive else {
            throw ContainerdSandboxError("containerd integration tests cannot run: ctr or the test image is missing")
        }
        let sandbox = ContainerdSandbox(ctrPath: ctr)
        defer { sandbox.cleanUp() }
        let archives = sandbox.root.appendingPathComponent("archives")
        do {
            try FileManager.default.createDirectory(at: archives, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: archives.appendingPathComponent(
                    ContainerdConfiguration.archiveFileName(for: ContainerdTestEnvironment.image)
                ).path,
                withDestinationPath: archive)
        } catch {
            throw ContainerdSandboxError("cannot prepare the sandbox folder \(sandbox.root.path): \(error)")
        }
        return try await body(sandbox, ContainerdRuntime(configuration: sandbox.configuration))
    }

    /// Runs `ctr --address ADDRESS --namespace NAMESPACE ARGUMENTS` and returns what it printed.
    @discardableResult
    public func ctr(_ arguments: String...) -> ContainerdTestEnvironment.CommandResult {
        ctr(arguments)
    }

    /// Runs `ctr --address ADDRESS --namespace NAMESPACE ARGUMENTS` and returns what it printed.
    @discardableResult
    public func ctr(_ arguments: [String]) -> ContainerdTestEnvironment.CommandResult {
        ContainerdTestEnvironment.run(
            ctrPath, ["--address", ContainerdTestEnvironment.address, "--namespace", namespace] + arguments)
    }

    /// The ids of every container in the namespace, EOS's or not.
    public var containers: [String] { CtrOutputParser.quietList(ctr("containers", "ls", "-q").output) }

    /// The tasks in the namespace, by container id.
    public var tasks: [String: CtrOutputParser.Task] { CtrOutputParser.tasks(ctr("tasks", "ls").output) }

    /// The keys of the snapshots in the namespace.
    public var snapshotKeys: [String] {
        CtrOutputParser.tableRows(ctr("snapshots", "ls").output).map { String($0[0]) }
    }

    /// What `ctr containers info` says about container `id`; `nil` when there is no such container.
    public func containerInfo(_ id: String) -> CtrOutputParser.ContainerInfo? {
        CtrOutputParser.containerInfo(ctr("containers", "info", "--", id).output)
    }

    /// Kills every task, deletes every container, lease and image and then the namespace, and removes the
    /// sandbox's folder; ``with(_:)`` does this when its body ends. Failures are ignored: it cleans up what it can.
    public func cleanUp() {
        for id in containers {
            ctr("tasks", "kill", "--signal=SIGKILL", "--", id)
            ctr("tasks", "delete", "--force", "--", id)
            ctr("containers", "delete", "--", id)
        }
        // An import or pull cut short (a test stopping a node mid-install) leaves its lease behind, holding content
        // and snapshots for a day.
        let leases = CtrOutputParser.quietList(ctr("leases", "ls", "-q").output)
        if !leases.isEmpty {
            ctr(["leases", "rm"] + leases)
        }
        let images = CtrOutputParser.quietList(ctr("images", "ls", "-q").output)
        if !images.isEmpty {
            ctr(["images", "rm", "--sync"] + images)
        }
        // containerd's garbage collector frees content and snapshots shortly after; until then the namespace is
        // not empty and cannot be deleted.
        for _ in 0..<50 {
            let removed = ContainerdTestEnvironment.run(
                ctrPath, ["--address", ContainerdTestEnvironment.address, "namespaces", "rm", namespace])
            if removed.status == 0 { break }
            usleep(100_000)
        }
        try? FileManager.default.removeItem(at: root)
    }
}
