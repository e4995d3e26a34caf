import Foundation

/// The host's processes, found by their command lines: how the tests see process workloads from outside the node.
enum WorkloadProcesses {
    /// The ids of the processes whose arguments are exactly `arguments`.
    static func pids(running arguments: [String]) -> [Int32] {
        let wanted = arguments.joined(separator: "\0") + "\0"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                String(decoding: data, as: UTF8.self) == wanted,
                !isZombie(pid)
            else { return nil }
            return pid
        }
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}
