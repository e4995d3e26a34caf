#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A workload's output file, kept under a size limit by copy-truncate into one rotated file.
///
/// The workload writes the file itself: its stdout and stderr are the file, opened for appending, so output costs
/// the Edge Node nothing and survives it. Rotation copies the newest part of a file over the limit (at most the
/// limit, from a line start) to `PATH.1`, replacing the previous one, then empties the file; because every writer
/// appends, the next write lands at the new end. What the workload appends while the copy is read is caught up
/// before the truncation; only what lands between the last look at the size and the truncation (microseconds) is
/// lost, the residual price of copy-truncate.
struct CappedLogFile: Sendable, Hashable {
    /// The live file.
    var path: String
    /// The size each file is kept under, in bytes.
    var limit: Int

    /// The rotated file.
    var rotatedPath: String { path + ".1" }

    /// Opens the live file for appending (creating it), for a child process to inherit as stdout and stderr.
    func openForAppending() throws(SystemCallError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .last("open(\(path))") }
        return fd
    }

    /// Rotates the live file when it is over the limit; says whether it did. A missing file is not an error.
    @discardableResult
    func rotateIfNeeded() throws(SystemCallError) -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return false }
            throw .last("open(\(path))")
        }
        defer { close(fd) }
        var end = try Self.size(of: fd, path: path)
        guard end > limit else { return false }

        var kept = try Self.read(fd, path: path, from: end - limit, count: limit)
        // Catch up with what the workload appended while we read, so that only what lands between the last look
        // and the truncation is lost; a few rounds at most, a writer faster than that loses more.
        for _ in 0..<8 {
            let now = try Self.size(of: fd, path: path)
            guard now > end else { break }
            kept += try Self.read(fd, path: path, from: end, count: now - end)
            end = now
        }
        guard ftruncate(fd, 0) == 0 else { throw .last("ftruncate(\(path))") }

        // Keep at most the limit, from a line start unless a single line fills it.
        if kept.count > limit { kept.removeFirst(kept.count - limit) }
        if let newline = kept.firstIndex(of: UInt8(ascii: "\n")), newline + 1 < kept.count {
            kept.removeSubrange(...newline)
        }
        let temporary = rotatedPath + ".tmp"
        let out = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard out >= 0 else { throw .last("open(\(temporary))") }
        do {
            try Self.writeAll(out, kept, path: temporary)
            close(out)
        } catch {
            close(out)
            throw error
        }
        guard rename(temporary, rotatedPath) == 0 else { throw .last("rename(\(temporary), \(rotatedPath))") }
        return true
    }

    /// The last `count` lines, oldest first, from the rotated file too when the live one has fewer. A final line
    /// without its newline counts.
    func lastLines(_ count: Int) -> [String] {
        guard count > 0 else { return [] }
        let live = Self.lastLines(count, of: path)
        guard live.count < count else { return live }
        return Self.lastLines(count - live.count, of: rotatedPath) + live
    }

    /// Removes both files; missing ones are fine.
    func remove() {
        unlink(path)
        unlink(rotatedPath)
    }

    /// The size of the live file, 0 when missing.
    var size: Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Reads the file's tail backwards in chunks until it holds more than `count` line ends, so a long log costs
    /// only what the answer needs.
    private static func lastLines(_ count: Int, of path: String) -> [String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return [] }
        var end = Int(info.st_size)
        var tail: [UInt8] = []
        var newlines = 0
        let chunk = 64 * 1024
        while end > 0, newlines <= count {
            let start = max(0, end - chunk)
            guard let bytes = try? read(fd, path: path, from: start, count: end - start), !bytes.isEmpty else {
                break
            }
            newlines += bytes.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            tail = bytes + tail
            end = start
        }
        var lines = tail.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        // The first piece may be the end of a line that began before the part read.
        if end > 0, lines.count > count { lines.removeFirst() }
        return lines.suffix(count).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func size(of fd: Int32, path: String) throws(SystemCallError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .last("fstat(\(path))") }
        return Int(info.st_size)
    }

    private static func read(
        _ fd: Int32, path: String, from offset: Int, count: Int
    ) throws(SystemCallError)
        -> [UInt8]
    {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, count - done, off_t(offset + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .last("pread(\(path))")
            }
            if n == 0 { break }
            done += n
        }
        buffer.removeSubrange(done...)
        return buffer
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemCallError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + done, raw.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .last("write(\(path))")
            }
            done += n
        }
    }
}
