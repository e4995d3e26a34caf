import EOSTesting
import Foundation

/// Prometheus' own linter, `promtool check metrics` (Debian's prometheus package), run on an exposition: the
/// judge of whether `/metrics` is what a Prometheus server and its tools accept.
enum Promtool {
    static let required = ProcessInfo.processInfo.environment["EOS_REQUIRE_INTEGRATION"] == "1"

    /// Where promtool is, when installed.
    static let path: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static var unavailableReason: String? {
        path == nil ? "promtool is not installed (Debian: apt-get install prometheus)" : nil
    }

    /// promtool's exit status and what it printed about `exposition`.
    static func check(_ exposition: String) async throws -> (status: Int32, output: String) {
        guard let path else { throw CocoaError(.fileNoSuchFile) }
        return try await withCheckedThrowingContinuation { continuation in
            // waitUntilExit blocks: it runs on a thread of its own, never on the tests' cooperative threads.
            Thread.detachNewThread {
                do {
                    let outcome = try SpawnedCommand.run(path, ["check", "metrics"], stdin: exposition)
                    continuation.resume(returning: (outcome.status, outcome.output + outcome.error))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
