internal import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pipe whose two ends are closed on exec, for a child spawned with `posix_spawn` to get one end through `dup2`.
final class PipePair {
    /// The end to read from.
    let read: Int32
    /// The end to write to.
    let write: Int32
    private var readOpen = true
    private var writeOpen = true

    /// Opens a pipe; throws the `POSIXError` of `pipe(2)` when it cannot.
    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        read = ends[0]
        write = ends[1]
        _ = fcntl(read, F_SETFD, FD_CLOEXEC)
        _ = fcntl(write, F_SETFD, FD_CLOEXEC)
    }

    deinit {
        closeRead()
        closeWrite()
    }

    /// Closes the read end, once.
    func closeRead() {
        if readOpen { _ = close(read) }
        readOpen = false
    }

    /// Closes the write end, once.
    func closeWrite() {
        if writeOpen { _ = close(write) }
        writeOpen = false
    }

    /// Writes all of `data`, retrying what a signal interrupted; stops early if the reader went away.
    func write(_ data: Data) {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(write, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written == -1 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    /// Everything until the writer closes its end.
    func readToEnd() -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = Glibc.read(read, &chunk, chunk.count)
            if count > 0 {
                data.append(contentsOf: chunk[0..<count])
            } else if count == -1 && errno == EINTR {
                continue
            } else {
                return data
            }
        }
    }
}
