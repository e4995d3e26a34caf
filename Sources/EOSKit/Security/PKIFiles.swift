import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes the PEM files of a CA folder and of a TLS folder.
///
/// Writes are atomic per file and never expose a key: each file is written to a temporary file created with its
/// final mode (0600 for keys), flushed to disk, then linked into place. Without `replace`, linking fails if the
/// file appeared meanwhile, so two concurrent writers cannot overwrite each other.
enum PKIFiles {
    /// A file to write.
    struct Output {
        /// The file's name inside the folder.
        let name: String
        /// The PEM text.
        let contents: String
        /// The permission bits: 0o600 for private keys, 0o644 for certificates.
        let mode: UInt32
    }

    /// Private keys are readable by their owner only.
    static let privateKeyMode: UInt32 = 0o600
    /// Certificates are public.
    static let certificateMode: UInt32 = 0o644

    /// Reads a PEM file, saying which file was missing or unreadable.
    static func read(_ url: URL, what: String) throws(SecurityError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SecurityError(code: .io, message: "\(url.path): no such file (expected the \(what))")
        }
        if isDirectory.boolValue {
            throw SecurityError(code: .io, message: "\(url.path): is a folder, not the \(what)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SecurityError(code: .io, message: "\(url.path): cannot read the \(what)", cause: error)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SecurityError(code: .invalidCertificate, message: "\(url.path): the \(what) is not PEM text")
        }
        return text
    }

    /// Whether anything (a file, a folder, even a dangling link) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Creates `directory` (mode 0700, with its parents) unless it exists.
    static func createDirectory(_ directory: URL) throws(SecurityError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw SecurityError(code: .io, message: "\(directory.path): exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SecurityError(code: .io, message: "\(directory.path): cannot create the folder", cause: error)
        }
    }

    /// Writes `files` into `directory`, creating it if needed, and returns the paths written, in order.
    ///
    /// Without `replace`, refuses with `.alreadyExists`, naming the file, if any of them exists, and writes
    /// nothing. With `replace`, each file is replaced atomically.
    static func store(_ files: [Output], in directory: URL, replace: Bool) throws(SecurityError) -> [URL] {
        try createDirectory(directory)
        let targets = files.map { directory.appendingPathComponent($0.name) }
        if !replace {
            for target in targets where exists(target.path) {
                throw SecurityError(
                    code: .alreadyExists, message: "\(target.path) already exists; refusing to overwrite it")
            }
        }
        // Stage every file before placing any, so a full disk or a permission problem leaves nothing half-done.
        var staged: [String] = []
        defer { for temporary in staged { unlink(temporary) } }
        for file in files {
            let temporary = directory.appendingPathComponent(
                ".\(file.name).\(String(UInt64.random(in: .min ... .max), radix: 16)).tmp"
            ).path
            try writeNewFile(temporary, contents: file.contents, mode: file.mode)
            staged.append(temporary)
        }
        for (temporary, target) in zip(staged, targets) {
            if replace {
                guard rename(temporary, target.path) == 0 else { throw ioError("cannot replace \(target.path)") }
            } else if link(temporary, target.path) != 0 {
                if errno == EEXIST {
                    throw SecurityError(
                        code: .alreadyExists, message: "\(target.path) already exists; refusing to overwrite it")
                }
                throw ioError("cannot create \(target.path)")
            }
        }
        syncDirectory(directory.path)
        return targets
    }

    /// Creates a file that must not exist yet, with exactly `mode`, and flushes it to disk.
    private static func writeNewFile(_ path: String, contents: String, mode: UInt32) throws(SecurityError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw ioError("cannot create \(path)") }
        defer { close(descriptor) }
        // The umask may have removed bits; set exactly what was asked.
        guard fchmod(descriptor, mode_t(mode)) == 0 else { throw ioError("cannot set the mode of \(path)") }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot write \(path)")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw ioError("cannot flush \(path) to disk") }
    }

    /// Makes the new directory entries durable; a failure here is not worth failing the write for.
    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func ioError(_ message: String) -> SecurityError {
        let code = errno
        return SecurityError(code: .io, message: "\(message): \(String(cString: strerror(code)))")
    }
}
