internal import EOSModel

/// A workload's container as `ctr containers create` arguments: the pure mapping from a ``WorkloadInstance``.
///
/// - The process: `command` replaces the image's entrypoint and `args` follow it; `args` alone follow the image's
///   own entrypoint (which the caller reads from the image config, since `ctr` replaces entrypoint and command
///   together); neither runs the image's default.
/// - Environment: ``WorkloadInstance/effectiveEnvironment`` as `--env`, sorted, over the image's own.
/// - Mounts: `--mount type=bind,src=…,dst=…,options=rbind:ro|rw`.
/// - CPU: a CFS quota over a 100 ms period (`500m` is `--cpu-quota 50000 --cpu-period 100000`); memory:
///   `--memory-limit` in bytes. (`ctr containers create` has no `--cpus`; that is `ctr run` only.)
/// - Network: the host's (`--net-host`) unless `hostNetwork: false`, which gives the container its own network
///   namespace with only a loopback interface (`ctr` sets up no CNI network).
/// - Labels `eos.deployment`, `eos.generation`, `eos.workload`, so ``ContainerdRuntime/list()`` finds EOS's
///   containers and where they came from after a restart.
struct ContainerOptions: Sendable {
    /// The label with the deployment's name.
    static let deploymentLabel = "eos.deployment"
    /// The label with the generation the container was created from.
    static let generationLabel = "eos.generation"
    /// The label with the workload's name; its presence marks a container as EOS's.
    static let workloadLabel = "eos.workload"
    /// The CFS period CPU limits are expressed over, in microseconds.
    static let cpuPeriod: Int64 = 100_000
    /// The smallest CFS quota the kernel accepts, in microseconds.
    static let minimumCPUQuota: Int64 = 1000

    /// The container id (``WorkloadInstance/id``).
    var id: String
    /// The image reference.
    var image: String
    /// The labels, sorted by name.
    var labels: [(name: String, value: String)]
    /// `KEY=value` pairs, sorted by key.
    var environment: [String]
    /// The bind mounts, in the spec's order.
    var mounts: [Mount]
    /// The CFS quota in microseconds per ``cpuPeriod``, when CPU is limited.
    var cpuQuota: Int64?
    /// The memory limit in bytes.
    var memoryLimit: Int64?
    /// Whether the container shares the host's network namespace.
    var hostNetwork: Bool
    /// The whole process command line, or `nil` for the image's default.
    var processArguments: [String]?
    /// The snapshotter, or `nil` for containerd's default.
    var snapshotter: String?

    /// Whether mapping `spec` needs the image's entrypoint: `args` given without `command`.
    static func needsImageEntrypoint(_ spec: ContainerSpec) -> Bool {
        spec.command == nil && !spec.args.isEmpty
    }

    /// Maps `instance`; `imageEntrypoint` is the image config's entrypoint when ``needsImageEntrypoint(_:)``.
    ///
    /// Fails with ``RuntimeError/Code/unsupported`` for a process workload and for mounts `ctr` cannot express.
    init(instance: WorkloadInstance, imageEntrypoint: [String]? = nil, snapshotter: String? = nil) throws(RuntimeError)
    {
        guard let spec = instance.workload.container else {
            throw RuntimeError(
                code: .unsupported,
                message: "workload \(instance.id) is a process; the containerd runtime runs containers only")
        }
        for mount in spec.mounts where mount.source.contains(",") || mount.target.contains(",") {
            throw RuntimeError(
                code: .unsupported,
                message: "workload \(instance.id): mount \(mount.source) -> \(mount.target): ctr cannot mount a path "
                    + "that contains ','")
        }
        id = instance.id
        image = spec.image
        labels = [
            (Self.deploymentLabel, instance.deployment), (Self.generationLabel, String(instance.generation)),
            (Self.workloadLabel, instance.workload.name),
        ]
        environment = instance.effectiveEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        mounts = spec.mounts
        cpuQuota = spec.resources?.cpu.map {
            max(Self.minimumCPUQuota, $0.milliValue.multipliedReportingOverflow(by: Self.cpuPeriod / 1000).partialValue)
        }
        memoryLimit = spec.resources?.memory.map { $0.value >= 9.2e18 ? Int64.max : Int64($0.value.rounded(.up)) }
        hostNetwork = spec.hostNetwork
        if let command = spec.command {
            processArguments = command + spec.args
        } else if !spec.args.isEmpty {
            processArguments = (imageEntrypoint ?? []) + spec.args
        } else {
            processArguments = nil
        }
        self.snapshotter = snapshotter
    }

    /// The `ctr` arguments after the global flags: `containers create --flag=value… -- IMAGE ID [ARGS…]`.
    ///
    /// Every flag is written `--name=value` and the positionals follow `--`: `ctr` 1.x reorders flags it finds
    /// among the arguments, and a bare `--net-host` before the image would take the image as its value; after `--`
    /// nothing is read as a flag, so the process' own flags (`sh -c`, `--verbose`) reach it unchanged.
    var createArguments: [String] {
        var arguments = ["containers", "create"]
        if let snapshotter { arguments.append("--snapshotter=\(snapshotter)") }
        for label in labels { arguments.append("--label=\(label.name)=\(label.value)") }
        for variable in environment { arguments.append("--env=\(variable)") }
        for mount in mounts {
            let access = mount.readOnly ? "ro" : "rw"
            arguments.append("--mount=type=bind,src=\(mount.source),dst=\(mount.target),options=rbind:\(access)")
        }
        if let cpuQuota { arguments += ["--cpu-quota=\(cpuQuota)", "--cpu-period=\(Self.cpuPeriod)"] }
        if let memoryLimit { arguments.append("--memory-limit=\(memoryLimit)") }
        if hostNetwork { arguments.append("--net-host=true") }
        arguments += ["--", image, id]
        arguments += processArguments ?? []
        return arguments
    }
}
