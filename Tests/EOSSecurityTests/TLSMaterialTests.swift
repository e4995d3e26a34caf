import Foundation
import Testing

@testable import EOSSecurity

@Suite("TLS material")
struct TLSMaterialTests {
    /// Issues a node certificate into `directory`/tls and returns the CA, the issued certificate and the folder.
    static func issuedFolder(
        in directory: URL, identity: SPIFFEIdentity? = nil
    ) throws -> (CertificateAuthority, IssuedCertificate, URL) {
        let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
        let issued = try ca.issue(identity: identity ?? .node("edge-01", in: PKITestSupport.trustDomain))
        let folder = directory.appendingPathComponent("tls")
        try issued.write(to: folder)
        return (ca, issued, folder)
    }

    @Test("a TLS folder written by IssuedCertificate loads with its identity")
    func loads() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let (ca, issued, folder) = try Self.issuedFolder(in: directory)
            let material = try await TLSMaterial.load(from: folder)
            #expect(material.identity == issued.identity)
            #expect(material.trustDomain == PKITestSupport.trustDomain)
            #expect(material.certificate == issued.certificate)
            #expect(material.caCertificate == ca.certificate)
            #expect(material.privateKeyPEM == issued.privateKeyPEM)
            #expect(material.certificatePEM == issued.certificatePEM)
            #expect(material.caCertificatePEM == ca.certificatePEM)
        }
    }

    @Test("an issued certificate can be used without files")
    func inMemory() async throws {
        let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
        let issued = try ca.issue(identity: .central(in: PKITestSupport.trustDomain))
        let material = try await TLSMaterial(issued)
        #expect(material.identity == (try SPIFFEIdentity.central(in: PKITestSupport.trustDomain)))
    }

    @Test("a missing file is named")
    func missingFile() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let (_, _, folder) = try Self.issuedFolder(in: directory)
            let keyURL = folder.appendingPathComponent("key.pem")
            try FileManager.default.removeItem(at: keyURL)
            let error = await #expect(throws: SecurityError.self) { try await TLSMaterial.load(from: folder) }
            #expect(error?.code == .io)
            #expect(error?.message == "\(keyURL.path): no such file (expected the private key)")
        }
    }

    @Test("a certificate from another CA is refused")
    func otherCA() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let (_, _, folder) = try Self.issuedFolder(in: directory)
            let stranger = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
            let caURL = folder.appendingPathComponent("ca.pem")
            try Data(stranger.certificatePEM.utf8).write(to: caURL)
            let error = await #expect(throws: SecurityError.self) { try await TLSMaterial.load(from: folder) }
            #expect(error?.code == .invalidCertificate)
            #expect(
                error?.message.hasPrefix(
                    "\(folder.appendingPathComponent("cert.pem").path): not issued by the CA in \(caURL.path)") == true)
        }
    }

    @Test("a key that does not belong to the certificate is refused")
    func mismatchedKey() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let (ca, _, folder) = try Self.issuedFolder(in: directory)
            let other = try ca.issue(identity: .node("edge-02", in: PKITestSupport.trustDomain))
            let keyURL = folder.appendingPathComponent("key.pem")
            try Data(other.privateKeyPEM.utf8).write(to: keyURL)
            let error = await #expect(throws: SecurityError.self) { try await TLSMaterial.load(from: folder) }
            #expect(
                error?.message
                    == "\(keyURL.path): the private key does not belong to the certificate in "
                    + "\(folder.appendingPathComponent("cert.pem").path)")
        }
    }

    @Test("an expired or not yet valid certificate is refused")
    func validity() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let (_, issued, folder) = try Self.issuedFolder(in: directory)
            let certificatePath = folder.appendingPathComponent("cert.pem").path
            let later = issued.certificate.notValidAfter + 1
            let expired = await #expect(throws: SecurityError.self) {
                try await TLSMaterial.load(from: folder, now: later)
            }
            #expect(expired?.message.hasPrefix("\(certificatePath): expired at") == true)
            let earlier = issued.certificate.notValidBefore - 1
            let early = await #expect(throws: SecurityError.self) {
                try await TLSMaterial.load(from: folder, now: earlier)
            }
            #expect(early?.message.contains("not valid before") == true)
        }
    }

    @Test("a corrupt certificate is refused with the file named")
    func corrupt() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let (_, _, folder) = try Self.issuedFolder(in: directory)
            let certificateURL = folder.appendingPathComponent("cert.pem")
            try Data("hello\n".utf8).write(to: certificateURL)
            let error = await #expect(throws: SecurityError.self) { try await TLSMaterial.load(from: folder) }
            #expect(error?.message == "\(certificateURL.path): not a PEM certificate")
        }
    }
}
