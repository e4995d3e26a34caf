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
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: path)
                    process.arguments = ["check", "metrics"]
                    let input = Pipe()
                    let output = Pipe()
                    process.standardInput = input
                    process.standardOutput = output
                    process.standardError = output
                    try process.run()
                    input.fileHandleForWriting.write(Data(exposition.utf8))
                    try input.fileHandleForWriting.close()
                    let printed = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(
                        returning: (process.terminationStatus, String(decoding: printed, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
