public import EOSModel
public import Foundation
internal import Glibc

/// Reads what the host offers, for the node's registration: CPUs, memory, storage under the data folder,
/// architecture (Margo's names: `amd64`, `arm64`, …) and the runtimes the node drives.
public enum HostCapabilities {
    /// The host's capabilities, with storage measured on the file system holding `dataDirectory`.
    public static func read(dataDirectory: URL, runtimes: [String]) -> NodeCapabilities {
        var storage: Int64 = 0
        var stats = statvfs()
        if statvfs(dataDirectory.path, &stats) == 0 {
            storage = Int64(stats.f_blocks) * Int64(stats.f_frsize)
        }
        return NodeCapabilities(
            cpus: Double(ProcessInfo.processInfo.activeProcessorCount),
            memoryBytes: Int64(clamping: ProcessInfo.processInfo.physicalMemory), storageBytes: storage,
            architecture: architecture(), runtimes: runtimes)
    }

    /// The machine architecture in the names container images use.
    public static func architecture() -> String {
        var name = utsname()
        guard uname(&name) == 0 else { return "unknown" }
        let machine = withUnsafeBytes(of: &name.machine) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch machine {
        case "x86_64": return "amd64"
        case "aarch64", "arm64": return "arm64"
        case "armv7l", "armv6l": return "arm"
        case "i386", "i686": return "386"
        default: return machine
        }
    }
}
