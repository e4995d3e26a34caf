import EOSTesting
import Foundation

/// The portal's browser scenarios (`Browser/portal_browser.py`): selenium from PyPI driving Debian's headless
/// Chromium through chromium-driver, against a central a test started.
enum PortalBrowser {
    static let required = ProcessInfo.processInfo.environment["EOS_REQUIRE_INTEGRATION"] == "1"

    /// The scenarios' script, beside this file.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Browser/portal_browser.py")

    /// Where the screenshots go: `EOS_PORTAL_SCREENSHOTS`, else `.build/portal-screenshots` in this checkout.
    static let screenshots: URL =
        ProcessInfo.processInfo.environment["EOS_PORTAL_SCREENSHOTS"].map {
            URL(fileURLWithPath: $0)
        }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/portal-screenshots")

    /// Why the scenarios cannot run here, or nil when they can.
    static let unavailableReason: String? = {
        let manager = FileManager.default
        let paths = ["/usr/bin", "/usr/local/bin", "/snap/bin"]
        func installed(_ names: [String]) -> Bool {
            paths.contains { path in names.contains { manager.isExecutableFile(atPath: "\(path)/\($0)") } }
        }
        if !installed(["chromium", "chromium-browser"]) {
            return "Chromium is not installed (Debian: apt-get install chromium)"
        }
        if !installed(["chromedriver"]) {
            return "chromedriver is not installed (Debian: apt-get install chromium-driver)"
        }
        let (status, output) = run(["/usr/bin/env", "python3", "-c", "import selenium"])
        if status != 0 { return "python3 cannot import selenium (pip install selenium): \(output)" }
        return nil
    }()

    /// Runs `scenario` with `arguments`; its exit status and everything it printed.
    static func run(_ scenario: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        let command = ["/usr/bin/env", "python3", script.path, scenario, "--screenshots", screenshots.path] + arguments
        return await withCheckedContinuation { continuation in
            // waitUntilExit blocks: it runs on a thread of its own, never on the tests' cooperative threads.
            Thread.detachNewThread { continuation.resume(returning: run(command)) }
        }
    }

    private static func run(_ command: [String]) -> (status: Int32, output: String) {
        do {
            let outcome = try SpawnedCommand.run(command[0], Array(command.dropFirst()))
            return (outcome.status, outcome.output + outcome.error)
        } catch {
            return (-1, "\(command[0]) did not start: \(error)")
        }
    }
}
