/// A private, read-only mapping of a file into this process, as `/proc/self/maps` lists it: the code (`r-xp`) and
/// read-only data (`r--p`) of the executable and of each shared library.
///
/// Such pages are copies of the page cache that the process cannot write, so dropping them from the process loses
/// nothing: a later access maps the same page again from the page cache. Only a page the process holds a private
/// copy of (a debugger's breakpoint, data a loader relocated before making it read-only) differs from the file; those
/// are found in `/proc/self/pagemap` and kept (``releasableRuns(pageFlags:)``).
struct ReadOnlyFileMapping: Equatable {
    /// The mapping's addresses.
    var range: Range<UInt>
    /// The mapped file.
    var path: String

    /// Reads one line of `/proc/self/maps`; `nil` for anything but a private, read-only mapping of a file.
    init?(mapsLine line: Substring) {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count == 6, fields[1] == "r--p" || fields[1] == "r-xp" else { return nil }
        let path = fields[5].trimmingLeadingSpaces
        // Pseudo-files ([vdso], [vvar]) are not files; a path always starts at the root.
        guard path.hasPrefix("/") else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let low = UInt(bounds[0], radix: 16), let high = UInt(bounds[1], radix: 16), low < high
        else { return nil }
        self.range = low..<high
        self.path = String(path)
    }

    init(range: Range<UInt>, path: String) {
        self.range = range
        self.path = path
    }

    /// The runs of pages, as page indexes into the mapping, that can be dropped: every page but those the process
    /// holds a copy of its own, whether resident or swapped out. `pageFlags` holds the mapping's
    /// `/proc/self/pagemap` entries, one a page.
    static func releasableRuns(pageFlags: [UInt64]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (index, entry) in pageFlags.enumerated() {
            if PageMapEntry(entry).isPrivateCopy {
                if let first = start { runs.append(first..<index) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let first = start { runs.append(first..<pageFlags.count) }
        return runs
    }
}

/// One 64-bit entry of `/proc/PID/pagemap` (the kernel's `Documentation/admin-guide/mm/pagemap.rst`).
struct PageMapEntry {
    let bits: UInt64

    init(_ bits: UInt64) {
        self.bits = bits
    }

    /// Bit 63: the page is in memory.
    var isPresent: Bool { bits & (1 << 63) != 0 }
    /// Bit 62: the page is in swap, which only a private copy can be.
    var isSwapped: Bool { bits & (1 << 62) != 0 }
    /// Bit 61: the page is the file's own (a page-cache page) or shared memory.
    var isFilePage: Bool { bits & (1 << 61) != 0 }

    /// Whether the process holds a copy of its own of this page: its content may differ from the file's.
    var isPrivateCopy: Bool { isSwapped || (isPresent && !isFilePage) }
}

extension Substring {
    fileprivate var trimmingLeadingSpaces: Substring { drop { $0 == " " } }
}
