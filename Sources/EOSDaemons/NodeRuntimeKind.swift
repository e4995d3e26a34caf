import EOSKit
import Foundation
import Logging

/// What runs an Edge Node's workloads: `eosd node --runtime`.
enum NodeRuntimeKind: String, CaseIterable {
    /// containerd, through `ctr`, for container workloads.
    case containerd
    /// Child processes of the agent, for script and binary workloads.
    case process
    /// No side effects: for trying EOS out and for scale tests.
    case simulated

    /// The runtime, keeping its files under the node's data folder.
    func make(settings: NodeSettings, logger: Logger) -> any EdgeRuntime {
        let data = settings.node.dataDirectory
        switch self {
        case .containerd:
            return ContainerdRuntime(
                configuration: ContainerdConfiguration(
                    namespace: settings.containerdNamespace, address: settings.containerdAddress,
                    stateDirectory: data.appendingPathComponent("containerd"),
                    imageArchives: settings.imageArchives),
                logger: logger)
        case .process:
            return ProcessRuntime(
                configuration: ProcessRuntimeConfiguration(stateDirectory: data.appendingPathComponent("process")),
                logger: logger)
        case .simulated:
            return SimulatedRuntime()
        }
    }
}
