import EOSKit
import EOSTesting
import Foundation

/// An `eosd` tier started for a measurement, logging (and printing) to a file.
public final class DaemonProcess {
    private let process: SpawnedProcess
    private let log: URL

    /// Starts `eosd ARGUMENTS`, its log in `log`.
    public init(eosd: String, arguments: [String], log: URL) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = try SpawnedProcess(eosd, arguments, standardOutput: log.path, standardError: log.path)
    }

    public var pid: Int32 { process.pid }

    /// Where the daemon serves, from its log line `... listening=HOST:PORT ...` (or another `key=HOST:PORT`).
    public func endpoint(logged key: String = "listening") async throws -> MargoEndpoint {
        try await endpoint(following: key + "=")
    }

    /// Where the daemon serves, from the `HOST:PORT` it prints or logs right after `marker`.
    public func endpoint(following marker: String) async throws -> MargoEndpoint {
        for _ in 0..<600 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: marker) {
                let value = text[range.upperBound...].prefix { !$0.isWhitespace }
                return try MargoEndpoint(parsing: String(value))
            }
            guard process.isRunning else { throw MeasurementError("eosd ended: \(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MeasurementError("eosd did not log where it listens within 60 s; see \(log.path)")
    }

    /// SIGTERM, and waits for the daemon to end.
    public func stop() {
        process.signal(SIGTERM)
        _ = process.waitUntilExit()
    }
}
