import EOSKit
import Logging

@testable import EOSCentral

extension DeploymentController {
    /// A controller over `registry` and `children` alone, as a central's own: it holds a central's certificate of a
    /// fresh CA, for the sites it would push to.
    static func standalone(
        registry: any FleetRegistry, children: ChildRegistry, label: String
    ) async throws -> DeploymentController {
        let tls = try await TLSMaterial(
            CertificateAuthority.create(trustDomain: "fleet.example.com").issue(
                identity: try SPIFFEIdentity.central(in: "fleet.example.com")))
        return DeploymentController(
            registry: registry, children: children, connections: ChildConnections(tls: tls, kind: .site),
            policy: .standard, logger: Logger(label: label))
    }
}
