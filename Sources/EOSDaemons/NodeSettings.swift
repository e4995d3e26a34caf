import EOSKit
import Foundation
import Logging

/// `eosd node`'s settings, resolved from its flags, `EOS_*` variables and configuration file, and checked.
struct NodeSettings {
    /// The settings only `eosd node` has, as keys of its configuration file.
    static let keys = TelemetrySettings.keys.union([
        "upstream", "runtime", "containerd-namespace", "containerd-address", "image-archives", "otlp-listen",
    ])

    /// The settings every tier has.
    let tier: TierSettings
    /// The Edge Node's configuration.
    let node: EdgeNodeConfiguration
    /// What runs the workloads.
    let runtime: NodeRuntimeKind
    /// The containerd namespace, for the containerd runtime.
    let containerdNamespace: String
    /// containerd's socket, for the containerd runtime.
    let containerdAddress: String
    /// A folder of OCI archives, for the containerd runtime.
    let imageArchives: URL?

    /// Resolves and checks every setting; the error names the flag, variable or file line and the problem.
    init(command: NodeCommand, environment: [String: String]) throws(DaemonFailure) {
        tier = try TierSettings(command.tier, keys: Self.keys, environment: environment)
        let sources = tier.sources
        let upstream = try sources.required("upstream", flag: command.upstream, SettingParsers.endpoint)
        runtime =
            try sources.value("runtime", flag: command.runtime) { text throws(SettingError) in
                guard let kind = NodeRuntimeKind(rawValue: text) else {
                    throw SettingError(
                        "\"\(text)\" is not a runtime; use \(NodeRuntimeKind.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                return kind
            } ?? .containerd
        containerdNamespace =
            try sources.value("containerd-namespace", flag: command.containerdNamespace, SettingParsers.dnsLabel)
            ?? "eos"
        containerdAddress =
            try sources.value("containerd-address", flag: command.containerdAddress, SettingParsers.nonEmpty)
            ?? "/run/containerd/containerd.sock"
        imageArchives = try sources.value("image-archives", flag: command.imageArchives, SettingParsers.directory)
        let telemetry = try TelemetrySettings(command.telemetry, sources: sources, defaultCapacity: 20_000)
        node = EdgeNodeConfiguration(
            nodeID: tier.id, labels: tier.labels, dataDirectory: tier.dataDirectory, listen: tier.listen,
            advertise: tier.advertise, upstream: upstream, telemetryInterval: telemetry.interval,
            telemetryBufferCapacity: telemetry.bufferCapacity,
            otlpListen: try sources.value("otlp-listen", flag: command.otlpListen, SettingParsers.endpoint))
    }
}
