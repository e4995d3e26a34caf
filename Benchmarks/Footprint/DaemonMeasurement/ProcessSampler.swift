import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Samples one process's resident memory and CPU time from `/proc`.
public struct ProcessSampler: Sendable {
    public let pid: Int32

    public init(pid: Int32) { self.pid = pid }

    /// What the samples showed.
    public struct Sample {
        public var seconds: Double
        public var cpuSeconds: Double
        public var meanRSSKiB: Int
        public var peakRSSKiB: Int
        /// The last sample's split of the RSS: the process's own memory (heap, stacks) and mapped files (its code
        /// and the shared libraries' pages it touched, which the kernel can reclaim and other processes share).
        public var anonymousKiB: Int
        public var fileKiB: Int
        /// The highest RSS since the process started (`VmHWM`), before the samples too: its start-up.
        public var highWaterKiB: Int

        /// A share of one core, in percent.
        public var cpuPercent: Double { cpuSeconds / seconds * 100 }
    }

    /// Samples RSS once a second for `seconds`, and the CPU time used between the first and the last sample.
    public func sample(seconds: Int) async throws -> Sample {
        let start = Date()
        let startTicks = try cpuTicks()
        var rss: [Int] = []
        for _ in 0..<seconds {
            rss.append(try memory("VmRSS"))
            try await Task.sleep(for: .seconds(1))
        }
        let ticks = try cpuTicks() - startTicks
        rss.append(try memory("VmRSS"))
        return Sample(
            seconds: Date().timeIntervalSince(start), cpuSeconds: Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK))),
            meanRSSKiB: rss.reduce(0, +) / rss.count, peakRSSKiB: rss.max() ?? 0,
            anonymousKiB: try memory("RssAnon"), fileKiB: try memory("RssFile"), highWaterKiB: try memory("VmHWM"))
    }

    /// The CPU time the process used so far, user and system, in seconds.
    public func cpuSeconds() throws -> Double {
        Double(try cpuTicks()) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// `utime + stime` of `/proc/PID/stat`, in clock ticks.
    private func cpuTicks() throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let close = stat.lastIndex(of: ")") else { throw MeasurementError("unreadable /proc/\(pid)/stat") }
        // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else {
            throw MeasurementError("unreadable /proc/\(pid)/stat")
        }
        return user + system
    }

    /// A field of `/proc/PID/status` (`VmRSS`, `VmHWM`, `RssAnon`, `RssFile`), in KiB.
    public func memory(_ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let value = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { throw MeasurementError("no \(field) in /proc/\(pid)/status: has the process ended?") }
        return value
    }
}
