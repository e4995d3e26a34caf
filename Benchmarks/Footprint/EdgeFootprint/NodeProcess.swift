import EOSKit
import Foundation

/// An `eosd node` started for the measurement, logging to a file in its folder.
final class NodeProcess {
    private let process = Process()
    private let log: URL

    init(eosd: String, root: URL, tlsDirectory: URL, upstream: MargoEndpoint) throws {
        log = root.appendingPathComponent("eosd.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: eosd)
        process.arguments = [
            "node", "--id", "edge-01", "--data-dir", root.appendingPathComponent("data").path, "--tls-dir",
            tlsDirectory.path, "--grpc-listen", "127.0.0.1:0", "--upstream", "\(upstream)", "--runtime", "process",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Where the node serves, from its log line `serving EdgeNode listening=HOST:PORT`.
    func endpoint() async throws -> MargoEndpoint {
        for _ in 0..<600 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening=") {
                let value = text[range.upperBound...].prefix { !$0.isWhitespace }
                return try MargoEndpoint(parsing: String(value))
            }
            guard process.isRunning else { throw FootprintError("eosd node ended: \(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FootprintError("eosd node did not log where it listens within 60 s")
    }

    /// SIGTERM, which stops the node and its process workloads.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
