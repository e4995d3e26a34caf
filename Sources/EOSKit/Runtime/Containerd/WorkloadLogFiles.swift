internal import Foundation

/// The size-capped log files containerd's shim writes a workload's stdout and stderr to.
///
/// The task is started with `--log-uri file:///…/<id>.log`: the shim opens the file `O_APPEND` and copies both
/// streams into it, so it keeps working when the file is cut short under it. Rotation copies the file to
/// `<id>.log.1` (replacing the previous part) and truncates it to 0 bytes, so a workload keeps at most about twice
/// the cap on disk (plus what it writes between two checks); a line written between the copy and the truncation can
/// be lost, the price of not restarting the workload. Reading takes the tail of both parts.
struct WorkloadLogFiles: Sendable {
    /// The folder holding the files.
    let directory: URL
    /// The size above which a file is rotated.
    let maxBytes: Int

    /// The file the workload's output is appended to.
    func current(_ id: String) -> URL { directory.appendingPathComponent("\(id).log") }

    /// The part rotated out last.
    func previous(_ id: String) -> URL { directory.appendingPathComponent("\(id).log.1") }

    /// The `--log-uri` for the workload's task.
    func uri(_ id: String) -> String { current(id).absoluteString }

    /// Makes the folder, so the shim can create the file.
    func prepare() throws(RuntimeError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RuntimeError(
                code: .failed, message: "cannot create the log folder \(directory.path)",
                runtimeMessage: error.localizedDescription)
        }
    }

    /// Rotates the workload's file if it is over the cap.
    func rotateIfNeeded(_ id: String) {
        let file = current(id)
        guard let size = try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int, size > maxBytes,
            let handle = try? FileHandle(forUpdating: file)
        else { return }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return }
        try? data.write(to: previous(id), options: .atomic)
        try? handle.truncate(atOffset: 0)
    }

    /// Rotates every file in the folder that is over the cap.
    func rotateAll() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasSuffix(".log") { rotateIfNeeded(String(name.dropLast(".log".count))) }
    }

    /// The last `lines` lines of the workload's output, oldest first; `nil` when it has no log file.
    func tail(_ id: String, lines: Int) -> [String]? {
        let parts = [previous(id), current(id)].compactMap { Self.readTail(of: $0, bytes: 2 * maxBytes) }
        guard !parts.isEmpty else { return nil }
        guard lines > 0 else { return [] }
        var text = Data()
        for part in parts {
            text.append(part)
            // A part cut mid-line by rotation still ends its line.
            if let last = part.last, last != UInt8(ascii: "\n") { text.append(UInt8(ascii: "\n")) }
        }
        // Split bytes, not Characters: Swift reads "\r\n" as one Character that is not "\n".
        var all = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if all.last?.isEmpty == true { all.removeLast() }
        return all.suffix(lines).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
    }

    /// Deletes the workload's files.
    func remove(_ id: String) {
        try? FileManager.default.removeItem(at: current(id))
        try? FileManager.default.removeItem(at: previous(id))
    }

    private static func readTail(of file: URL, bytes: Int) -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        guard size > UInt64(bytes) else {
            try? handle.seek(toOffset: 0)
            return (try? handle.readToEnd()) ?? Data()
        }
        try? handle.seek(toOffset: size - UInt64(bytes))
        let data = (try? handle.readToEnd()) ?? Data()
        // Started mid-line: the first, partial line goes.
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else { return Data() }
        return data[data.index(after: newline)...]
    }
}
