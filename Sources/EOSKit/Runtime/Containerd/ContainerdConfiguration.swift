public import Foundation

/// How a ``ContainerdRuntime`` reaches containerd and where it keeps what containerd does not keep for it.
///
/// The defaults fit a host where containerd runs as a system service and the Edge Node runs as root.
public struct ContainerdConfiguration: Sendable, Hashable {
    /// The containerd namespace EOS's containers, tasks and images live in. Default: `eos`.
    ///
    /// EOS lists and touches only containers in this namespace that carry its `eos.workload` label.
    public var namespace: String
    /// containerd's gRPC socket, passed to `ctr --address`. Default: `/run/containerd/containerd.sock`.
    public var address: String
    /// The `ctr` executable: a path, or a name looked up on `PATH`. Default: `ctr`.
    public var ctrPath: String
    /// An absolute folder for the workloads' log files and exit records; it must survive Edge Node restarts, so an
    /// exit seen before a restart is still reported after it. Default: `/var/lib/eos/containerd`.
    ///
    /// The runtime keeps `<stateDirectory>/<namespace>/logs/<id>.log` (plus `<id>.log.1`, the previous part) and
    /// `<stateDirectory>/<namespace>/tasks/<id>.json`.
    public var stateDirectory: URL
    /// A folder of OCI image archives for sites with no registry, or `nil` to always pull. Default: `nil`.
    ///
    /// The archive for image `R` is the file named after `R` with every `/`, `:` and `@` replaced by `_`, plus
    /// `.tar`: `local/busybox:latest` is `local_busybox_latest.tar`, `registry.local:5000/vision/detector:1.4.2` is
    /// `registry.local_5000_vision_detector_1.4.2.tar`. It is imported with `R`'s name (without tag or digest) as
    /// base name, so it may name its image in full (`ctr images export`, `skopeo copy … oci-archive:`) or by tag
    /// only (an OCI layout built with umoci or buildah). When the folder has no such file, the image is pulled.
    public var imageArchives: URL?
    /// The containerd snapshotter for images and containers, or `nil` for containerd's default (`overlayfs`).
    public var snapshotter: String?
    /// The longest a `ctr` call may take before it is stopped and the operation fails with `timedOut`, except pulls
    /// and imports. Default: 30 seconds.
    public var commandTimeout: Duration
    /// The longest an image pull or archive import may take. Default: 10 minutes.
    public var pullTimeout: Duration
    /// How long `ctr` waits to connect to containerd's socket (`--connect-timeout`) before the runtime reports
    /// `runtimeUnavailable`. Default: 3 seconds.
    public var connectTimeout: Duration
    /// The size at which a workload's log file is rotated: it becomes `<id>.log.1` (replacing the previous one) and
    /// a new `<id>.log` starts, so a workload keeps at most about twice this on disk. Default: 1 MiB.
    public var logSizeLimit: Int
    /// How often ``ContainerdRuntime/run()`` checks the log files' sizes. Default: 30 seconds.
    public var logCheckInterval: Duration
    /// The longest ``ContainerdRuntime/run()`` waits before following containerd's events again after `ctr events`
    /// ended (containerd restarted, the socket went away). Default: 30 seconds.
    public var eventsMaxBackoff: Duration

    /// Creates a configuration.
    public init(
        namespace: String = "eos", address: String = "/run/containerd/containerd.sock", ctrPath: String = "ctr",
        stateDirectory: URL = URL(fileURLWithPath: "/var/lib/eos/containerd", isDirectory: true),
        imageArchives: URL? = nil, snapshotter: String? = nil,
        commandTimeout: Duration = .seconds(30), pullTimeout: Duration = .seconds(600),
        connectTimeout: Duration = .seconds(3), logSizeLimit: Int = 1 << 20, logCheckInterval: Duration = .seconds(30),
        eventsMaxBackoff: Duration = .seconds(30)
    ) {
        self.namespace = namespace
        self.address = address
        self.ctrPath = ctrPath
        self.stateDirectory = stateDirectory
        self.imageArchives = imageArchives
        self.snapshotter = snapshotter
        self.commandTimeout = commandTimeout
        self.pullTimeout = pullTimeout
        self.connectTimeout = connectTimeout
        self.logSizeLimit = logSizeLimit
        self.logCheckInterval = logCheckInterval
        self.eventsMaxBackoff = eventsMaxBackoff
    }

    /// The file in ``imageArchives`` that holds `image`: its reference with `/`, `:` and `@` replaced by `_`, plus
    /// `.tar`.
    public static func archiveFileName(for image: String) -> String {
        String(image.map { "/:@".contains($0) ? "_" : $0 }) + ".tar"
    }
}
