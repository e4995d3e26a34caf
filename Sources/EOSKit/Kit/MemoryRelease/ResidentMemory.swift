#if canImport(Glibc)
import Glibc
#endif

/// How much of this process is resident, read from Linux's `/proc/self/statm`, and the heap's freed pages given back
/// through the C library's `malloc_trim(3)`. On other systems there is nothing to read, and nothing is released.
enum ResidentMemory {
    /// One reading of the resident set, in bytes.
    struct Sample: Equatable {
        /// Pages of mapped files: the program's code and read-only data, its libraries (`RssFile` and `RssShmem`).
        var fileBacked: Int
        /// The rest: the heap, thread stacks, relocated data (`RssAnon`).
        var anonymous: Int
    }

    /// The resident set now, or `nil` where `/proc` cannot tell.
    static func sample() -> Sample? {
        #if os(Linux)
        // statm: size resident shared text lib data dt, in pages; `shared` counts the file-backed pages. Read once a
        // second, so into a buffer on the stack.
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> Sample? in
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            guard count > 0 else { return nil }
            let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
            guard fields.count >= 3, let resident = Int(String(decoding: fields[1], as: UTF8.self)),
                let shared = Int(String(decoding: fields[2], as: UTF8.self))
            else { return nil }
            return Sample(fileBacked: shared * pageSize, anonymous: max(resident - shared, 0) * pageSize)
        }
        #else
        return nil
        #endif
    }

    /// Whether ``trimHeap()`` gives anything back: the C library has `malloc_trim` (glibc does, musl does not).
    static var canTrimHeap: Bool {
        #if os(Linux)
        mallocTrim != nil
        #else
        false
        #endif
    }

    /// Gives the pages of the heap's free memory back to the system, in every arena of the C library's allocator.
    static func trimHeap() {
        #if os(Linux)
        _ = mallocTrim?(0)
        #endif
    }

    #if os(Linux)
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// glibc's `malloc_trim`, which its headers declare outside what Swift imports; looked up once.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = dlsym(nil, "malloc_trim").map {
        unsafeBitCast($0, to: (@convention(c) (Int) -> Int32).self)
    }
    #endif
}
