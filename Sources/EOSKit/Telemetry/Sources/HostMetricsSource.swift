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
public final class HostMetricsSource: TelemetrySource {
    /// `host`.
    public let name = "host"
    /// Where procfs is mounted: `/proc`, or a folder of the same files in tests.
    public let procRoot: URL
    /// The paths whose filesystems are measured: the agent's data directory, typically.
    public let filesystems: [String]
    private let previousCPU = Mutex<HostReadings.CPUTimes?>(nil)

    /// A source reading `procRoot` and measuring the filesystems holding `filesystems`.
    public init(procRoot: URL = URL(fileURLWithPath: "/proc"), filesystems: [String] = []) {
        self.procRoot = procRoot
        self.filesystems = filesystems
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
        if let stat = read("stat") {
            add("eos_host_cpu_cores", Double(HostReadings.cores(stat: stat)), unit: "1")
            if let now = HostReadings.cpuTimes(stat: stat) {
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
        }
        if let load = read("loadavg").flatMap(HostReadings.load1(loadavg:)) {
            add("eos_host_load1", load, unit: "1")
        }
        if let meminfo = read("meminfo") {
            if let total = HostReadings.memory("MemTotal", meminfo: meminfo) {
                add("eos_host_memory_total_bytes", Double(total), unit: "bytes")
            }
            if let available = HostReadings.memory("MemAvailable", meminfo: meminfo) {
                add("eos_host_memory_available_bytes", Double(available), unit: "bytes")
            }
        }
        for path in filesystems {
            var info = statvfs()
            guard statvfs(path, &info) == 0 else { continue }
            let block = Double(info.f_frsize)
            add("eos_host_filesystem_size_bytes", Double(info.f_blocks) * block, unit: "bytes", ["mountpoint": path])
            add("eos_host_filesystem_free_bytes", Double(info.f_bavail) * block, unit: "bytes", ["mountpoint": path])
        }
        if let netdev = read("net/dev") {
            for interface in HostReadings.interfaces(netdev: netdev) {
                let labels = ["device": interface.device]
                add(
                    "eos_host_network_receive_bytes_total", Double(interface.receivedBytes), unit: "bytes",
                    kind: .counter, labels)
                add(
                    "eos_host_network_transmit_bytes_total", Double(interface.transmittedBytes), unit: "bytes",
                    kind: .counter, labels)
            }
        }
        return points
    }

    private func read(_ file: String) -> String? {
        try? String(contentsOf: procRoot.appending(path: file), encoding: .utf8)
    }
}
