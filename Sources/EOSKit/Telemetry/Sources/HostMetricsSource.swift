public import EOSModel
public import Foundation
internal import Synchronization

/// The host's own figures, read from procfs and `statvfs`: what an operator checks first when a site misbehaves.
///
/// | metric | kind | labels |
/// |---|---|---|
/// | `eos_host_cpu_cores` | gauge | |
/// | `eos_host_cpu_utilization_ratio` | gauge: the busy share of all cores since the previous collection, 0 to 1 | |
/// | `eos_host_load1` | gauge | |
/// | `eos_host_memory_total_bytes`, `eos_host_memory_available_bytes` | gauge | |
/// | `eos_host_filesystem_size_bytes`, `eos_host_filesystem_free_bytes` | gauge: free to unprivileged users | `mountpoint` |
/// | `eos_host_network_receive_bytes_total`, `eos_host_network_transmit_bytes_total` | counter | `device` |
///
/// The first collection has no utilization (it needs two readings). A file it cannot read leaves its metrics out.
///
/// The procfs figures are read once per ``sharingWindow`` for every source of the process: many agents in one
/// process (a simulated fleet) share one reading of the one host they run on.
public final class HostMetricsSource: TelemetrySource {
    /// `host`.
    public let name = "host"
    /// Where procfs is mounted: `/proc`, or a folder of the same files in tests.
    public let procRoot: URL
    /// The paths whose filesystems are measured: the agent's data directory, typically.
    public let filesystems: [String]
    /// How long a reading of procfs serves every source in the process that reads the same `procRoot`.
    public let sharingWindow: Duration
    private let previousCPU = Mutex<HostReadings.CPUTimes?>(nil)

    /// A source reading `procRoot` and measuring the filesystems holding `filesystems`; a reading of `procRoot`
    /// taken by any source of the process less than `sharingWindow` ago is used again (zero reads every time).
    public init(
        procRoot: URL = URL(fileURLWithPath: "/proc"), filesystems: [String] = [], sharingWindow: Duration = .seconds(1)
    ) {
        self.procRoot = procRoot
        self.filesystems = filesystems
        self.sharingWindow = sharingWindow
    }

    /// The host's figures now.
    public func collect(at time: Timestamp) async -> [MetricPoint] {
        var points: [MetricPoint] = []
        func add(
            _ name: String, _ value: Double, unit: String, kind: MetricPoint.Kind = .gauge,
            _ labels: [String: String] = [:]
        ) {
            points.append(
                MetricPoint(name: name, labels: labels, value: value, timestamp: time, unit: unit, kind: kind))
        }
        let host = HostSample.shared(procRoot: procRoot, for: sharingWindow)
        if let cores = host.cores { add("eos_host_cpu_cores", Double(cores), unit: "1") }
        if let now = host.cpuTimes {
            let before = previousCPU.withLock { previous in
                defer { previous = now }
                return previous
            }
            if let before, now.total > before.total, now.busy >= before.busy {
                add(
                    "eos_host_cpu_utilization_ratio",
                    Double(now.busy - before.busy) / Double(now.total - before.total), unit: "ratio")
            }
        }
        if let load = host.load1 { add("eos_host_load1", load, unit: "1") }
        if let total = host.memoryTotal { add("eos_host_memory_total_bytes", Double(total), unit: "bytes") }
        if let available = host.memoryAvailable {
            add("eos_host_memory_available_bytes", Double(available), unit: "bytes")
        }
        for path in filesystems {
            var info = statvfs()
            guard statvfs(path, &info) == 0 else { continue }
            let block = Double(info.f_frsize)
            add("eos_host_filesystem_size_bytes", Double(info.f_blocks) * block, unit: "bytes", ["mountpoint": path])
            add("eos_host_filesystem_free_bytes", Double(info.f_bavail) * block, unit: "bytes", ["mountpoint": path])
        }
        for interface in host.interfaces ?? [] {
            let labels = ["device": interface.device]
            add(
                "eos_host_network_receive_bytes_total", Double(interface.receivedBytes), unit: "bytes",
                kind: .counter, labels)
            add(
                "eos_host_network_transmit_bytes_total", Double(interface.transmittedBytes), unit: "bytes",
                kind: .counter, labels)
        }
        return points
    }
}
