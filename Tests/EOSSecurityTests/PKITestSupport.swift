import Crypto
import Foundation
import X509

@testable import EOSSecurity

/// Fixtures shared by the PKI tests.
enum PKITestSupport {
    static let trustDomain = "fleet.example.com"
    static let otherTrustDomain = "other.example.com"

    /// A whole-second instant, so certificate dates (which keep whole seconds) compare exactly.
    static let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

    /// Runs `body` with a fresh folder that is removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async rethrows -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("eos-pki-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    /// The permission bits of a file.
    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// A self-signed certificate with the given URI SANs, made without EOS, for testing identity extraction.
    static func certificate(uris: [String]) throws -> Certificate {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CommonName("test") }
        let extensions = try Certificate.Extensions {
            if !uris.isEmpty {
                SubjectAlternativeNames(uris.map { .uniformResourceIdentifier($0) } + [.dnsName("localhost")])
            }
        }
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: Date() - 60, notValidAfter: Date() + 3600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: key)
    }

    /// Validates `leaf` against `ca` with swift-certificates' RFC 5280 verifier, at the current time.
    static func verify(_ leaf: Certificate, against ca: Certificate) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore([ca])) { RFC5280Policy() }
        if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) {
            return true
        }
        return false
    }
}
