import DaemonMeasurement
import EOSKit
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The central's REST API as the benchmark calls it: with the dev token, over plain HTTP on loopback.
struct CentralHTTP: Sendable {
    let base: String
    let token: String

    func get(_ path: String) async throws -> Data {
        try await call(URLRequest(url: URL(string: base + path)!))
    }

    func post(_ path: String, yaml: String) async throws -> Data {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = "POST"
        request.setValue("application/yaml", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(yaml.utf8)
        return try await call(request)
    }

    func status(_ name: String) async throws -> DeploymentStatusSummary? {
        var request = URLRequest(url: URL(string: base + "/status/\(name)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        if (response as? HTTPURLResponse)?.statusCode == 404 { return nil }
        return try JSONDecoder().decode(DeploymentStatusSummary.self, from: data)
    }

    /// One sample's value in the `/metrics` exposition (`name` with its labels, as printed), or 0.
    func metric(_ name: String) async throws -> Double {
        let text = String(decoding: try await get("/metrics"), as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    private func call(_ request: URLRequest) async throws -> Data {
        var request = request
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(code) else {
            throw MeasurementError(
                "\(request.httpMethod ?? "GET") \(request.url!.path): \(code) "
                    + String(decoding: data, as: UTF8.self))
        }
        return data
    }
}
