/// The role a device plays, as its v1alpha1 capabilities report it.
public enum MargoDeviceRole: String, DocumentEnum {
    /// A single-node or multi-node cluster that hosts workloads on its own.
    case standaloneCluster = "Standalone Cluster"
    /// A single device that hosts workloads without a cluster.
    case standaloneDevice = "Standalone Device"
    /// The leader of a cluster.
    case clusterLeader = "Cluster Leader"
    /// A gateway that relays the devices behind it.
    case gateway = "Gateway"
}
