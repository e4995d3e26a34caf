import EOSModel
import Foundation
import Testing

@testable import EOSTelemetry

@Suite("HostMetricsSource: the host's figures from procfs")
struct HostMetricsSourceTests {
    static let stat = """
        cpu  100 0 50 800 50 0 0 0 0 0
        cpu0 50 0 25 400 25 0 0 0 0 0
        cpu1 50 0 25 400 25 0 0 0 0 0
        intr 12345
        """

    static let meminfo = """
        MemTotal:        2048000 kB
        MemFree:          512000 kB
        MemAvailable:    1024000 kB
        """

    static let netdev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo: 9999 10 0 0 0 0 0 0 9999 10 0 0 0 0 0 0
          eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0
        """

    @Test("the parsers read /proc/stat, /proc/meminfo, /proc/loadavg and /proc/net/dev")
    func parsers() {
        #expect(HostReadings.cpuTimes(stat: Self.stat) == .init(busy: 150, total: 1000))
        #expect(HostReadings.cores(stat: Self.stat) == 2)
        #expect(HostReadings.memory("MemTotal", meminfo: Self.meminfo) == 2_048_000 * 1024)
        #expect(HostReadings.memory("MemAvailable", meminfo: Self.meminfo) == 1_024_000 * 1024)
        #expect(HostReadings.memory("Missing", meminfo: Self.meminfo) == nil)
        #expect(HostReadings.load1(loadavg: "0.42 0.30 0.10 1/200 1234\n") == 0.42)
        #expect(
            HostReadings.interfaces(netdev: Self.netdev) == [
                .init(device: "eth0", receivedBytes: 1000, transmittedBytes: 2000)
            ])
        #expect(HostReadings.cpuTimes(stat: "garbage") == nil)
    }

    /// A procfs folder with the files above; the caller removes it.
    static func procFolder() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appending(path: "net"), withIntermediateDirectories: true)
        try Self.stat.write(to: root.appending(path: "stat"), atomically: true, encoding: .utf8)
        try Self.meminfo.write(to: root.appending(path: "meminfo"), atomically: true, encoding: .utf8)
        try "1.5 1.0 0.5 1/100 42\n".write(to: root.appending(path: "loadavg"), atomically: true, encoding: .utf8)
        try Self.netdev.write(to: root.appending(path: "net/dev"), atomically: true, encoding: .utf8)
        return root
    }

    @Test("a collection from a procfs folder answers every metric; utilization needs a second reading")
    func collectsFromFolder() async throws {
        let root = try Self.procFolder()
        defer { try? FileManager.default.removeItem(at: root) }

        let source = HostMetricsSource(procRoot: root, filesystems: [root.path], sharingWindow: .zero)
        let first = await source.collect(at: .now)
        let names = Set(first.map(\.name))
        #expect(
            names == [
                "eos_host_cpu_cores", "eos_host_load1", "eos_host_memory_total_bytes",
                "eos_host_memory_available_bytes", "eos_host_filesystem_size_bytes", "eos_host_filesystem_free_bytes",
                "eos_host_network_receive_bytes_total", "eos_host_network_transmit_bytes_total",
            ])
        #expect(first.first { $0.name == "eos_host_network_receive_bytes_total" }?.kind == .counter)
        #expect(first.first { $0.name == "eos_host_filesystem_size_bytes" }.map { $0.value > 0 } == true)

        try "cpu  250 0 100 1000 50 0 0 0 0 0\ncpu0 1 1 1 1\n".write(
            to: root.appending(path: "stat"), atomically: true, encoding: .utf8)
        let second = await source.collect(at: .now)
        let utilization = try #require(second.first { $0.name == "eos_host_cpu_utilization_ratio" })
        // 200 more busy ticks out of 400 more in all.
        #expect(utilization.value == 0.5)
    }

    @Test("sources of one process share a reading of the same procfs within their window, and read anew after it")
    func sharesReadings() async throws {
        let root = try Self.procFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        func available(_ points: [MetricPoint]) -> Double? {
            points.first { $0.name == "eos_host_memory_available_bytes" }?.value
        }
        let first = HostMetricsSource(procRoot: root, sharingWindow: .seconds(3600))
        #expect(available(await first.collect(at: .now)) == 1_024_000 * 1024)

        try Self.meminfo.replacingOccurrences(of: "1024000", with: "4096").write(
            to: root.appending(path: "meminfo"), atomically: true, encoding: .utf8)
        // Another source in the window takes the shared reading; one that does not share reads the file.
        let second = HostMetricsSource(procRoot: root, sharingWindow: .seconds(3600))
        #expect(available(await second.collect(at: .now)) == 1_024_000 * 1024)
        let alone = HostMetricsSource(procRoot: root, sharingWindow: .zero)
        #expect(available(await alone.collect(at: .now)) == 4096 * 1024)

        // Once the shared reading is older than a source's window, that source reads again, and shares that.
        try await Task.sleep(for: .milliseconds(20))
        let brief = HostMetricsSource(procRoot: root, sharingWindow: .milliseconds(10))
        #expect(available(await brief.collect(at: .now)) == 4096 * 1024)
        #expect(available(await first.collect(at: .now)) == 4096 * 1024)
    }

    @Test("on this Linux host the real /proc answers")
    func realProc() async {
        let source = HostMetricsSource(filesystems: ["/"])
        let points = await source.collect(at: .now)
        #expect(points.contains { $0.name == "eos_host_memory_total_bytes" && $0.value > 0 })
        #expect(points.contains { $0.name == "eos_host_cpu_cores" && $0.value >= 1 })
    }
}
