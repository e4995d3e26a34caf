internal import Foundation

/// The host figures `HostMetricsSource` reads from procfs, parsed from the files' text; pure, so tests feed it
/// text rather than a machine.
struct HostReadings {
    /// CPU time in ticks since boot, over all cores, from the first line of `/proc/stat`.
    struct CPUTimes: Equatable {
        var busy: UInt64
        var total: UInt64
    }

    /// Bytes through one network interface since boot.
    struct InterfaceCounters: Equatable {
        var device: String
        var receivedBytes: UInt64
        var transmittedBytes: UInt64
    }

    /// The `cpu` line of `/proc/stat`: idle and iowait are idle time, the rest (user, nice, system, irq, softirq,
    /// steal) busy. Guest time is already inside user time, so it is not added again.
    static func cpuTimes(stat: String) -> CPUTimes? {
        guard let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { UInt64($0) }
        guard fields.count >= 4 else { return nil }
        let idle = fields[3] + (fields.count > 4 ? fields[4] : 0)
        let total = fields.reduce(0, +)
        return CPUTimes(busy: total - idle, total: total)
    }

    /// How many `cpuN` lines `/proc/stat` has: the cores the kernel schedules on.
    static func cores(stat: String) -> Int {
        stat.split(separator: "\n").count { line in
            line.hasPrefix("cpu") && line.dropFirst(3).first.map(\.isNumber) == true
        }
    }

    /// A `/proc/meminfo` field (`MemTotal`, `MemAvailable`), in bytes.
    static func memory(_ field: String, meminfo: String) -> UInt64? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix(field + ":") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let kibibytes = UInt64(parts[1]) else { return nil }
            return kibibytes * 1024
        }
        return nil
    }

    /// The one-minute load average, the first field of `/proc/loadavg`.
    static func load1(loadavg: String) -> Double? {
        loadavg.split(separator: " ").first.flatMap { Double($0) }
    }

    /// Every interface of `/proc/net/dev` but loopback.
    static func interfaces(netdev: String) -> [InterfaceCounters] {
        netdev.split(separator: "\n").dropFirst(2).compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let device = line[..<colon].trimmingCharacters(in: .whitespaces)
            let fields = line[line.index(after: colon)...].split(separator: " ").compactMap { UInt64($0) }
            guard device != "lo", fields.count >= 9 else { return nil }
            return InterfaceCounters(device: device, receivedBytes: fields[0], transmittedBytes: fields[8])
        }
    }
}
