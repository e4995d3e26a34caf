#if canImport(Glibc)
import Glibc
#endif

/// This process's resident pages of mapped files, found in Linux's `/proc/self` and released through `madvise(2)`. On
/// other systems nothing is released.
enum ResidentCodePages {
    /// What one release did.
    struct Outcome {
        /// The read-only file mappings released.
        var mappings = 0
        /// Their pages kept, since the process holds copies of its own of them.
        var keptPages = 0
        /// Mappings the kernel refused to release (locked in memory, say), with its reason.
        var refusals: [String] = []
    }

    /// Drops the pages of every private, read-only file mapping from this process but those it holds copies of its
    /// own of. The process maps what it runs next again from the page cache.
    static func release() -> Outcome {
        var outcome = Outcome()
        #if os(Linux)
        guard let maps = readFile("/proc/self/maps") else { return outcome }
        let pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        guard pagemap >= 0 else { return outcome }
        defer { close(pagemap) }
        for line in maps.split(separator: "\n") {
            guard let mapping = ReadOnlyFileMapping(mapsLine: line) else { continue }
            guard let flags = pageFlags(of: mapping.range, pagemap: pagemap) else { continue }
            let runs = ReadOnlyFileMapping.releasableRuns(pageFlags: flags)
            outcome.keptPages += flags.count - runs.reduce(0) { $0 + $1.count }
            var refused = false
            for run in runs {
                let start = UnsafeMutableRawPointer(
                    bitPattern: mapping.range.lowerBound + UInt(run.lowerBound * pageSize))
                if madvise(start, run.count * pageSize, MADV_DONTNEED) != 0 {
                    outcome.refusals.append("\(mapping.path): \(String(cString: strerror(errno)))")
                    refused = true
                    break
                }
            }
            if !refused { outcome.mappings += 1 }
        }
        #endif
        return outcome
    }

    #if os(Linux)
    private static var pageSize: Int { ResidentMemory.pageSize }

    /// The mapping's `/proc/self/pagemap` entries, one a page.
    private static func pageFlags(of range: Range<UInt>, pagemap: Int32) -> [UInt64]? {
        let count = Int(range.upperBound - range.lowerBound) / pageSize
        let offset = off_t(range.lowerBound / UInt(pageSize) * 8)
        var flags = [UInt64](repeating: 0, count: count)
        let wanted = count * 8
        let read = flags.withUnsafeMutableBytes { pread(pagemap, $0.baseAddress, wanted, offset) }
        return read == wanted ? flags : nil
    }

    /// A `/proc` file's text; such files report no size, so they are read until the end.
    private static func readFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
    #endif
}
