#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One process as `/proc/PID/stat` describes it: what the process runtime needs to recognise its processes after
/// a restart (start time), to find a group's members, and to measure them.
///
/// Reading one is a single `open`/`read`/`close` of a small file, with no allocation beyond the result, so the
/// runtime can afford it per call. Off Linux there is no `/proc`, and every read answers `nil`.
struct ProcStat: Sendable, Hashable {
    /// The process id.
    var pid: Int32
    /// The state letter: `R`, `S`, `D`, `Z` (zombie: exited, not yet reaped), …
    var state: UInt8
    /// The process group id.
    var processGroup: Int32
    /// User and system CPU time of the process and of its reaped children, in clock ticks.
    var cpuTicks: UInt64
    /// When the process started, in clock ticks since boot (field 22): with the pid and the boot id, a
    /// process's identity, since a pid alone is reused.
    var startTicks: UInt64
    /// Resident set size, in pages.
    var residentPages: UInt64

    /// Whether the process still runs: present and not a zombie.
    var isLive: Bool { state != UInt8(ascii: "Z") && state != UInt8(ascii: "X") }

    /// Clock ticks per second, the unit of ``cpuTicks`` and ``startTicks``.
    static let ticksPerSecond: UInt64 = UInt64(max(1, sysconf(Int32(_SC_CLK_TCK))))
    /// Bytes per page, the unit of ``residentPages``.
    static let pageSize: UInt64 = UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))))

    /// This boot's id (`/proc/sys/kernel/random/boot_id`): start ticks count from boot, so a recorded process
    /// belongs to this boot only if the ids match.
    static let bootID: String? = {
        guard let bytes = readSmallFile("/proc/sys/kernel/random/boot_id") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingTrailingNewlines()
        return text.isEmpty ? nil : text
    }()

    /// Reads process `pid`, or `nil` when it does not exist (or there is no `/proc`).
    static func load(_ pid: Int32) -> ProcStat? {
        guard pid > 0 else { return nil }
        return withStatFile(of: pid) { parse(Array($0)) } ?? nil
    }

    /// Every live process in process group `group`, found by reading each process's stat file: O(processes on
    /// the host), each a read into a stack buffer and a scan to the group field, with a full parse only for
    /// members. For occasional use (recovery at start-up, a stats call), not for a hot path.
    static func members(ofGroup group: Int32) -> [ProcStat] {
        guard group > 0, let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var members: [ProcStat] = []
        while let entry = readdir(directory) {
            let pid: Int32? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                var value: Int32 = 0
                for byte in raw {
                    if byte == 0 { break }
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value &* 10 &+ Int32(byte - UInt8(ascii: "0"))
                }
                return value > 0 ? value : nil
            }
            guard let pid else { continue }
            let member = withStatFile(of: pid) { bytes -> ProcStat? in
                guard processGroup(in: bytes) == group else { return nil }
                return parse(Array(bytes))
            }
            if let member = member ?? nil, member.isLive { members.append(member) }
        }
        return members
    }

    /// The process group field of a stat file, found without splitting it.
    static func processGroup(in bytes: UnsafeRawBufferPointer) -> Int32? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // After the command: " state ppid pgrp …"; skip two fields, read the third.
        var index = close + 1
        var field = 0
        while index < bytes.count {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            if field == 2 { break }
            while index < bytes.count, bytes[index] != UInt8(ascii: " ") { index += 1 }
            field += 1
        }
        var value: Int32 = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            value = value &* 10 &+ Int32(bytes[index] - UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// Parses the contents of a stat file: `pid (comm) state ppid pgrp session … utime stime cutime cstime …
    /// starttime vsize rss …`. The command name may hold spaces and parentheses, so fields count from the last `)`.
    static func parse(_ bytes: [UInt8]) -> ProcStat? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")), let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        guard let pid = Int32(String(decoding: bytes[..<open], as: UTF8.self).trimmingSpaces()) else { return nil }
        // Fields after the command: [0] state (field 3), [2] pgrp (5), [11] utime (14), [12] stime, [13] cutime,
        // [14] cstime, [19] starttime (22), [21] rss (24).
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard fields.count > 21, let state = fields[0].first else { return nil }
        func number(_ index: Int) -> UInt64? { UInt64(String(decoding: fields[index], as: UTF8.self)) }
        guard let group = Int32(String(decoding: fields[2], as: UTF8.self)), let utime = number(11),
            let stime = number(12), let cutime = number(13), let cstime = number(14), let start = number(19),
            let rss = Int64(String(decoding: fields[21], as: UTF8.self))
        else { return nil }
        return ProcStat(
            pid: pid, state: state, processGroup: group, cpuTicks: utime + stime + cutime + cstime,
            startTicks: start, residentPages: UInt64(max(0, rss)))
    }

    /// Hands `body` the contents of `/proc/PID/stat`, read into a stack buffer; `nil` when there is no such file.
    private static func withStatFile<T>(of pid: Int32, _ body: (UnsafeRawBufferPointer) -> T) -> T? {
        var path: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)  // "/proc/2147483647/stat" fits in 32 bytes
        let fd = withUnsafeMutableBytes(of: &path) { raw -> Int32 in
            let text = "/proc/\(pid)/stat".utf8
            _ = raw.initializeMemory(as: UInt8.self, from: text)
            raw[text.count] = 0
            return open(raw.baseAddress!.assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC)
        }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 8) { buffer -> T? in
            var count = 0
            while count < buffer.count {
                let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break }
                count += n
            }
            return count > 0 ? body(UnsafeRawBufferPointer(rebasing: buffer[..<count])) : nil
        }
    }

    /// Reads a file of at most a few KiB (a `/proc` file) with plain system calls.
    private static func readSmallFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 2048)
        var count = 0
        while count < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + count, raw.count - count)
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            count += n
        }
        return count > 0 ? Array(buffer[..<count]) : nil
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }

    fileprivate func trimmingSpaces() -> String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
