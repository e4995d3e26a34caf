import EOSKit
import Foundation
import GRPCCore

/// A controller of one's own, in place of the central: it deploys a FleetDeployment straight to a site's Local
/// Orchestrator with `MargoClient`, over mutual TLS with the central's certificate, and follows the site's status
/// until every node it targets runs the generation.
///
///     site-controller --site lo-0042.example.com:7444 --tls-dir tls/central --file fleet.yaml [--generation N]
///
/// Exit status 0 once every targeted node reports the generation installed, 1 when one fails, 2 for bad usage.
@main
struct SiteController {
    static func main() async {
        do {
            let options = try Options(CommandLine.arguments.dropFirst())
            exit(try await run(options) ? 0 : 1)
        } catch let error as Options.Problem {
            FileHandle.standardError.write(Data("site-controller: \(error.message)\n\(Options.usage)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("site-controller: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Deploys and follows; true when every targeted node installed the generation.
    static func run(_ options: Options) async throws -> Bool {
        let deployment = try FleetDeployment(yaml: String(contentsOfFile: options.file, encoding: .utf8))
        let tls = try await TLSMaterial.load(from: URL(fileURLWithPath: options.tlsDirectory))
        let site = try SPIFFEIdentity.site(options.siteID, in: tls.trustDomain)
        let transport = try MargoTransport.client(connectingTo: options.site, tls: tls, expecting: .identity(site))
        return try await withGRPCClient(transport: transport) { grpc in
            let client = MargoClient(grpc)
            let desired = FleetDesiredState(deployment, generation: options.generation)
            let result = try await client.deployFleet(desired)
            print("\(deployment.metadata.name) generation \(options.generation): \(result.outcome)")
            while true {
                let status = try await client.siteStatus(deployments: [deployment.metadata.name])
                let reports = status.nodes.flatMap(\.deployments).filter {
                    $0.deployment == deployment.metadata.name && $0.observedGeneration == options.generation
                }
                let installed = reports.filter { $0.state == .installed }.count
                print("\(installed) of \(status.nodes.count) nodes installed")
                if let failed = reports.first(where: { $0.state == .failed }) {
                    print("\(failed.nodeID) failed: \(failed.message ?? "no reason given")")
                    return false
                }
                if installed == status.nodes.count, installed > 0 { return true }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// The command line.
struct Options {
    struct Problem: Error { let message: String }

    static let usage =
        "usage: site-controller --site HOST:PORT --site-id ID --tls-dir DIR --file FLEET.yaml [--generation N]"

    var site = MargoEndpoint(host: "127.0.0.1", port: 7444)
    var siteID = ""
    var tlsDirectory = ""
    var file = ""
    var generation: Int64 = 1

    init(_ arguments: ArraySlice<String>) throws {
        var remaining = arguments
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw Problem(message: "\(flag) needs a value") }
            switch flag {
            case "--site":
                do { site = try MargoEndpoint(parsing: value) } catch { throw Problem(message: "--site: \(error)") }
            case "--site-id": siteID = value
            case "--tls-dir": tlsDirectory = value
            case "--file": file = value
            case "--generation":
                guard let number = Int64(value), number > 0 else {
                    throw Problem(message: "--generation: \"\(value)\" is not a positive number")
                }
                generation = number
            default: throw Problem(message: "unknown flag \(flag)")
            }
        }
        for (flag, value) in [("--site-id", siteID), ("--tls-dir", tlsDirectory), ("--file", file)] where value.isEmpty
        {
            throw Problem(message: "\(flag) is required")
        }
    }
}
