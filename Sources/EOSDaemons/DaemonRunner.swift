import EOSKit
import Foundation
import Logging
import ServiceLifecycle

/// What every `eosd` tier does around its service: make its data folder, load its certificates, and run it in a
/// `ServiceGroup` that SIGTERM and SIGINT shut down gracefully.
enum DaemonRunner {
    /// Creates the data folder (mode 0700) and loads the TLS folder; a problem is a start-up failure naming both.
    static func prepare(_ tier: TierSettings) async throws(DaemonFailure) -> TLSMaterial {
        do {
            try FileManager.default.createDirectory(
                at: tier.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .runtime("--data-dir \(tier.dataDirectory.path): \(error.localizedDescription)")
        }
        do {
            return try await TLSMaterial.load(from: tier.tlsDirectory)
        } catch {
            throw .runtime("--tls-dir \(tier.tlsDirectory.path): \(error)")
        }
    }

    /// Runs `services` until a signal shuts them down; a failure of any ends the daemon with status 1. A tier
    /// (`tier`) also gives back the memory of its bursts of work (``MemoryRelease``): the heap's freed pages, and its
    /// code pages unless told to keep them.
    static func run(
        _ services: [any Service], tier: TierSettings? = nil, what: String, logger: Logger
    ) async throws(DaemonFailure) {
        let release: [any Service] =
            tier.map { [MemoryRelease(releasingCode: !$0.keepCodeResident, logger: logger)] } ?? []
        let group = ServiceGroup(
            services: services + release, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [],
            logger: logger)
        do {
            try await group.run()
        } catch {
            throw .runtime("\(what) stopped: \(error)")
        }
    }
}
