internal import Foundation
internal import Synchronization

/// The host's procfs files at one moment, parsed: what a ``HostMetricsSource`` reports from.
///
/// Every source in a process that reads the same procfs shares one sample for a moment (``shared(procRoot:for:)``):
/// the host is the same for all of them, so a process running many agents, a simulated fleet of thousands of nodes,
/// reads and parses the files once for all of them instead of once each.
struct HostSample: Sendable {
    /// How many cores the kernel schedules on; `nil` when `/proc/stat` cannot be read.
    var cores: Int?
    /// CPU time since boot, over all cores.
    var cpuTimes: HostReadings.CPUTimes?
    /// The one-minute load average.
    var load1: Double?
    /// `MemTotal`, in bytes.
    var memoryTotal: UInt64?
    /// `MemAvailable`, in bytes.
    var memoryAvailable: UInt64?
    /// Every interface but loopback; `nil` when `/proc/net/dev` cannot be read.
    var interfaces: [HostReadings.InterfaceCounters]?

    /// Reads and parses the files under `procRoot` now; a file it cannot read leaves its figures out.
    init(procRoot: URL) {
        func read(_ file: String) -> String? {
            try? String(contentsOf: procRoot.appending(path: file), encoding: .utf8)
        }
        if let stat = read("stat") {
            cores = HostReadings.cores(stat: stat)
            cpuTimes = HostReadings.cpuTimes(stat: stat)
        }
        load1 = read("loadavg").flatMap(HostReadings.load1(loadavg:))
        if let meminfo = read("meminfo") {
            memoryTotal = HostReadings.memory("MemTotal", meminfo: meminfo)
            memoryAvailable = HostReadings.memory("MemAvailable", meminfo: meminfo)
        }
        interfaces = read("net/dev").map(HostReadings.interfaces(netdev:))
    }

    private static let recent = Mutex<[String: (taken: ContinuousClock.Instant, sample: HostSample)]>([:])

    /// The sample of `procRoot` taken in this process less than `window` ago, or a new one.
    ///
    /// Sources that collect at the same moment can both read the files; either sample is then the host's at that
    /// moment. A `window` of zero always reads.
    static func shared(procRoot: URL, for window: Duration) -> HostSample {
        let now = ContinuousClock.now
        let key = procRoot.path
        if window > .zero, let recent = recent.withLock({ $0[key] }), recent.taken.duration(to: now) < window {
            return recent.sample
        }
        let sample = HostSample(procRoot: procRoot)
        if window > .zero { recent.withLock { $0[key] = (now, sample) } }
        return sample
    }
}
