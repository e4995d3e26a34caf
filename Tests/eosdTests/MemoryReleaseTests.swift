import Foundation
import Testing

@testable import EOSKit

#if canImport(Glibc)
import Glibc
#endif

/// ``MemoryRelease``: when a process gives back its code pages and its heap's free pages, which code pages it may drop,
/// that dropping them loses nothing the process wrote, and that the heap's free pages leave the resident set.
@Suite("MemoryRelease")
struct MemoryReleaseTests {
    static let mebibyte = 1 << 20

    /// The standard configuration, but with a level taken after five still samples instead of thirty.
    static let configuration = MemoryRelease.Configuration(
        interval: .seconds(1), growth: 4 * mebibyte, quietSamples: 3, settleSamples: 5, stillness: mebibyte / 4)

    /// The action for each of `samples`, in MiB; each release is done at once.
    static func actions(_ samples: [Double]) -> [MemoryReleaseStateMachine.Action] {
        var machine = MemoryReleaseStateMachine(configuration: configuration)
        return samples.map { sample in
            let action = machine.sampled(Int(sample * Double(mebibyte)))
            if action == .release { machine.released() }
            return action
        }
    }

    /// The indexes of the samples after which the pages were released.
    static func releases(_ samples: [Double]) -> [Int] {
        actions(samples).enumerated().filter { $0.element == .release }.map(\.offset)
    }

    @Test("start-up's growth is released once it has held still for three samples, and not before")
    func startUp() {
        #expect(Self.releases([2, 9, 15, 18, 18.1, 18.2, 18.2]) == [5])
    }

    @Test("the idle set mapped again after a release, in steps as its timers fire, is never released itself")
    func idleRefault() {
        // Released at 18.2; the idle loop maps 10 → 13 MiB again in two steps, with pauses shorter than the settling.
        #expect(Self.releases([18, 18.1, 18.2, 10, 10, 10, 10, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13.5, 13.9]) == [2])
    }

    @Test("an idle set larger than the growth is released once more at most, then settles and is the new level")
    func largeIdleSet() {
        // Each release drops to 10 MiB and the idle loop maps 16 again: the second release takes twice the growth.
        let refaults: [Double] = [10, 16, 16, 16, 10, 16, 16, 16, 16, 16, 16, 16]
        #expect(Self.releases([18, 18, 18] + refaults) == [2, 6])
        // Settled at 16 after five still samples, a later burst counts from there with the growth configured.
        #expect(Self.releases([18, 18, 18] + refaults + [20.5, 20.5, 20.5]) == [2, 6, 17])
    }

    @Test("a burst of 4 MiB past the settled level is released when it is over")
    func laterBurst() {
        // Released at 18, settled at 12; a deployment maps 5 MiB more, then holds still.
        #expect(Self.releases([18, 18, 18, 12, 12, 12, 12, 12, 14, 17, 17.1, 17.2, 17.2]) == [2, 11])
    }

    @Test("a burst while the idle set settles counts from the lowest level since the release")
    func burstWhileSettling() {
        // A site releases its start-up at 18 MiB; its nodes attach two seconds later and take it 6 MiB past its low.
        #expect(Self.releases([18, 18, 18, 10, 10, 16, 16, 16, 16, 16, 16, 17, 17, 17]) == [2, 7])
        #expect(Self.releases([18, 18, 18, 10, 10, 13, 13, 13, 13, 13, 13, 13, 13, 13]) == [2])
    }

    @Test("a large part moving by less than its relative stillness holds still; a small one moving as much does not")
    func relativeStillness() {
        var configuration = Self.configuration
        configuration.relativeStillness = 0.01
        // 70 MiB of heap moving by 0.4–0.5 MiB a second, under 1% of it: over once three samples lie within 1%.
        var large = MemoryReleaseStateMachine(configuration: configuration)
        let largeActions = [4.0, 60, 70, 70.4, 70.0, 70.5].map { large.sampled(Int($0 * Double(Self.mebibyte))) }
        #expect(largeActions == [.keepSampling, .keepSampling, .keepSampling, .keepSampling, .release, .release])
        // 9 MiB moving the same way is not still: 1% of it is under the 256 KiB floor.
        var small = MemoryReleaseStateMachine(configuration: configuration)
        let smallActions = [2.0, 8, 9, 9.4, 9.0, 9.5].map { small.sampled(Int($0 * Double(Self.mebibyte))) }
        #expect(smallActions.allSatisfy { $0 == .keepSampling })
        // The same large part with no relative stillness is never still.
        var absolute = MemoryReleaseStateMachine(configuration: Self.configuration)
        let absoluteActions = [4.0, 60, 70, 70.4, 70.0, 70.5].map { absolute.sampled(Int($0 * Double(Self.mebibyte))) }
        #expect(absoluteActions.allSatisfy { $0 == .keepSampling })
    }

    @Test("growth that never holds still is not released until it does")
    func restlessGrowth() {
        #expect(Self.releases([5, 6, 7, 8, 9, 10, 11, 12, 12, 12]) == [9])
    }

    @Test("growth under the threshold is never released")
    func smallGrowth() {
        #expect(Self.actions([3, 3.5, 3.9, 3.9, 3.9, 3.9]).allSatisfy { $0 == .keepSampling })
    }

    @Test(
        "/proc/self/maps lines: private read-only mappings of files are read, anything else is not",
        arguments: [
            (
                "55b7cf4a5000-55b7d00f9000 r--p 00000000 fe:01 1234567                    /usr/bin/eosd",
                ReadOnlyFileMapping(range: 0x55b7_cf4a_5000..<0x55b7_d00f_9000, path: "/usr/bin/eosd")
            ),
            (
                "7f0000001000-7f0000002000 r-xp 00001000 fe:01 99 /opt/my app/lib.so (deleted)",
                ReadOnlyFileMapping(range: 0x7f00_0000_1000..<0x7f00_0000_2000, path: "/opt/my app/lib.so (deleted)")
            ),
            ("7f0000001000-7f0000002000 rw-p 00001000 fe:01 99 /usr/lib/libc.so.6", nil),
            ("7f0000001000-7f0000002000 r--s 00000000 fe:01 99 /var/lib/eos/edge.sqlite-shm", nil),
            ("7ffd5a1f8000-7ffd5a1fa000 r-xp 00000000 00:00 0                          [vdso]", nil),
            ("7f0000001000-7f0000002000 r--p 00000000 00:00 0", nil),
            ("7f0000002000-7f0000001000 r--p 00000000 fe:01 99 /usr/bin/eosd", nil),
        ])
    func mapsLines(line: String, expected: ReadOnlyFileMapping?) {
        #expect(ReadOnlyFileMapping(mapsLine: Substring(line)) == expected)
    }

    @Test("a run of droppable pages stops at every page the process holds a copy of, resident or swapped")
    func runs() {
        let present: UInt64 = 1 << 63
        let swapped: UInt64 = 1 << 62
        let file: UInt64 = 1 << 61
        let pages: [UInt64] = [present | file, 0, present, present | file, swapped, swapped, file, 0]
        #expect(ReadOnlyFileMapping.releasableRuns(pageFlags: pages) == [0..<2, 3..<4, 6..<8])
        #expect(ReadOnlyFileMapping.releasableRuns(pageFlags: [present, present]) == [])
        #expect(ReadOnlyFileMapping.releasableRuns(pageFlags: []) == [])
    }

    #if os(Linux)
    @Test("a release drops the file's own pages and keeps the page the process wrote before making it read-only")
    func releaseKeepsPrivateCopies() throws {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eos-code-pages-\(UUID()).bin")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(repeating: UInt8(ascii: "A"), count: 3 * pageSize).write(to: file)
        let descriptor = open(file.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        // Mapped as a loader maps relocated data: private and writable, written, then made read-only.
        let mapping = try #require(
            mmap(nil, 3 * pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0).flatMap {
                $0 == MAP_FAILED ? nil : $0
            })
        defer { munmap(mapping, 3 * pageSize) }
        let bytes = mapping.assumingMemoryBound(to: UInt8.self)
        #expect(bytes[0] == UInt8(ascii: "A"))
        bytes[pageSize] = UInt8(ascii: "B")
        #expect(bytes[2 * pageSize] == UInt8(ascii: "A"))
        try #require(mprotect(mapping, 3 * pageSize, PROT_READ) == 0)
        #expect(try Self.residentPages(mapping, count: 3) == [true, true, true])

        let before = try #require(ResidentMemory.sample()).fileBacked
        let outcome = ResidentCodePages.release()
        let after = try #require(ResidentMemory.sample()).fileBacked

        #expect(try Self.residentPages(mapping, count: 3) == [false, true, false])
        #expect(bytes[pageSize] == UInt8(ascii: "B"), "the written page must keep what was written")
        #expect(bytes[0] == UInt8(ascii: "A") && bytes[2 * pageSize] == UInt8(ascii: "A"))
        #expect(outcome.keptPages >= 1)
        #expect(outcome.mappings > 1, "the test's own code and libraries are released too")
        #expect(outcome.refusals.isEmpty, "\(outcome.refusals)")
        // The test process's code: megabytes of it were resident before.
        #expect(after < before - Self.mebibyte, "resident file pages \(before >> 10) KiB → \(after >> 10) KiB")
    }

    @Test("a trim gives back the heap pages freed behind memory still held, which the allocator itself keeps")
    func trimHeap() throws {
        try #require(ResidentMemory.canTrimHeap, "glibc has malloc_trim")
        // 64 MiB in blocks the allocator serves from its arenas, written, then all freed but every sixteenth: the
        // allocator cannot shrink a heap past a block still held, so the 60 MiB freed between them stay resident
        // until trimmed, whichever arena and however many of its heaps the blocks landed in.
        let blockSize = 16 << 10
        let blocks = (0..<4096).map { _ in malloc(blockSize)! }
        for block in blocks { memset(block, 0x5A, blockSize) }
        let held = stride(from: 15, to: blocks.count, by: 16).map { blocks[$0] }
        defer { for block in held { free(block) } }
        for (index, block) in blocks.enumerated() where index % 16 != 15 { free(block) }

        let before = try #require(ResidentMemory.sample())
        ResidentMemory.trimHeap()
        let after = try #require(ResidentMemory.sample())
        #expect(before.anonymous > 56 << 20, "the freed blocks were resident: \(before.anonymous >> 10) KiB")
        #expect(
            after.anonymous < before.anonymous - (32 << 20),
            "anonymous resident \(before.anonymous >> 10) KiB → \(after.anonymous >> 10) KiB")
        #expect(after.fileBacked > 0)
        #expect(
            held.allSatisfy { $0.load(as: UInt8.self) == 0x5A }, "memory still held keeps what was written")
    }

    /// Whether each of the `count` pages at `address` is resident, from `/proc/self/pagemap`.
    static func residentPages(_ address: UnsafeMutableRawPointer, count: Int) throws -> [Bool] {
        let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/pagemap"))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(UInt(bitPattern: address) / pageSize * 8))
        let data = try #require(try handle.read(upToCount: count * 8))
        return (0..<count).map { index in
            data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) } & (1 << 63) != 0
        }
    }
    #endif
}
