internal import Foundation

/// A test server written in Python under `scripts/`, run as a child process on a loopback port.
///
/// The script binds, prints one line `listening http://HOST:PORT` on stdout once it answers, logs to stderr, and exits
/// cleanly on SIGTERM. ``OIDCTestProvider`` and ``OTLPTestReceiver`` are handles on two such scripts. Each server has
/// a temporary folder of its own, holding its stderr log and any file it is given; ``stop()`` removes it.
struct PythonTestServer: Sendable {
    /// Where the server answers, as it announced it: `http://127.0.0.1:PORT`.
    let url: URL
    /// The server's temporary folder.
    let folder: URL
    private let process: SpawnedProcess

    private init(url: URL, folder: URL, process: SpawnedProcess) {
        self.url = url
        self.folder = folder
        self.process = process
    }

    /// The script `scripts/NAME` in this repository, or the file the environment variable `variable` names.
    static func script(_ name: String, overriddenBy variable: String) -> URL {
        ProcessInfo.processInfo.environment[variable].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/\(name)")
    }

    /// Why `script` cannot run here, or nil when it can: it is missing, or python3 cannot import `module` (`install`
    /// says what to install for it).
    static func unavailableReason(of script: URL, importing module: String, install: String) -> String? {
        guard FileManager.default.fileExists(atPath: script.path) else { return "\(script.path) is missing" }
        let check = ContainerdTestEnvironment.run("/usr/bin/env", ["python3", "-c", "import \(module)"])
        guard check.status == 0 else {
            return "python3 cannot import \(module) (\(install)): "
                + check.error.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }

    /// A new folder for a server under the temporary directory, its name starting with `prefix`, holding `files` (by
    /// name: what the server reads, such as a config).
    static func makeFolder(_ prefix: String, files: [String: Data] = [:]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            for (name, contents) in files { try contents.write(to: folder.appendingPathComponent(name)) }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        return folder
    }

    /// Starts `python3 script arguments`, its stdout and stderr going to files in `folder`, and returns once it has
    /// announced where it answers.
    ///
    /// A server that exits, or prints anything else, first is stopped (its folder removed), and `failure` makes the
    /// error thrown from what it printed and what it logged. The announcement is polled for, so waiting never holds
    /// one of the few threads async tasks run on.
    static func start<Failure: Error>(
        _ script: URL, _ arguments: [String], in folder: URL,
        orElse failure: (_ announcement: String, _ log: String) -> Failure
    ) async throws -> PythonTestServer {
        let announcements = folder.appendingPathComponent("server.out")
        let process: SpawnedProcess
        do {
            process = try SpawnedProcess(
                "/usr/bin/env", ["python3", script.path] + arguments,
                standardOutput: announcements.path, standardError: folder.appendingPathComponent("server.log").path)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        let line = await firstLine(of: announcements, from: process)
        guard line.hasPrefix("listening "), let url = URL(string: String(line.dropFirst("listening ".count))) else {
            let logged = log(in: folder)
            await stop(process, removing: folder)
            throw failure(line, String(logged.suffix(2000)))
        }
        return PythonTestServer(url: url, folder: folder, process: process)
    }

    /// The first line `process` printed to `file`, once it is whole; what it printed, whole or not, if it exited
    /// first or printed no line within two minutes.
    private static func firstLine(of file: URL, from process: SpawnedProcess) async -> String {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(120))
        while true {
            let exited = !process.isRunning
            let printed = (try? Data(contentsOf: file)) ?? Data()
            if let end = printed.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: printed[..<end], as: UTF8.self)
            }
            if exited || clock.now >= deadline { return String(decoding: printed, as: UTF8.self) }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 seconds) and removes its folder.
    func stop() async {
        await Self.stop(process, removing: folder)
    }

    private static func stop(_ process: SpawnedProcess, removing folder: URL) async {
        await process.stop(grace: .seconds(5))
        try? FileManager.default.removeItem(at: folder)
    }

    /// What the server wrote on stderr.
    var log: String { Self.log(in: folder) }

    private static func log(in folder: URL) -> String {
        (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }
}
