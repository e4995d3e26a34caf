import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import EOSSecurity

@Suite("Certificate authority")
struct CertificateAuthorityTests {
    @Test("a new CA is a self-signed P-256 CA certificate for its trust domain, valid ten years by default")
    func creation() throws {
        let now = PKITestSupport.fixedNow
        let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain, now: now)
        let certificate = ca.certificate
        #expect(ca.trustDomain == PKITestSupport.trustDomain)
        #expect(certificate.subject == certificate.issuer)
        #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(P256.Signing.PublicKey(certificate.publicKey) != nil)
        #expect("\(certificate.subject)".contains("CN=EOS CA fleet.example.com"))
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(try certificate.extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
        #expect(certificate.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        #expect(certificate.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
        #expect(try certificate.extensions.subjectKeyIdentifier != nil)
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(Array(names) == [.uniformResourceIdentifier("spiffe://fleet.example.com")])
        #expect(certificate.notValidBefore == now - 300)
        #expect(certificate.notValidAfter == now + 3652 * 86_400)
    }

    @Test("the validity is configurable")
    func validity() throws {
        let now = PKITestSupport.fixedNow
        let ca = try CertificateAuthority.create(
            trustDomain: PKITestSupport.trustDomain, validity: .seconds(30 * 86_400), now: now)
        #expect(ca.certificate.notValidAfter == now + 30 * 86_400)
    }

    @Test("an invalid trust domain is refused", arguments: ["", "Fleet.Example.com", "fleet/example", "fleet example"])
    func invalidTrustDomain(domain: String) {
        #expect(throws: SecurityError.self) { try CertificateAuthority.create(trustDomain: domain) }
    }

    @Test("a saved CA reloads with the same certificate, key and trust domain; the key file is mode 0600")
    func saveAndLoad() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
            let written = try ca.save(to: directory)
            #expect(written.map(\.lastPathComponent).sorted() == ["ca-key.pem", "ca.pem"])
            #expect(try PKITestSupport.mode(directory.appendingPathComponent("ca-key.pem")) == 0o600)
            #expect(try PKITestSupport.mode(directory.appendingPathComponent("ca.pem")) == 0o644)
            #expect(try PKITestSupport.mode(directory) == 0o700)

            let loaded = try CertificateAuthority.load(from: directory)
            #expect(loaded.certificate == ca.certificate)
            #expect(loaded.trustDomain == ca.trustDomain)
            #expect(loaded.privateKey.rawRepresentation == ca.privateKey.rawRepresentation)
            // The reloaded CA signs leaves that chain to the original certificate.
            let issued = try loaded.issue(identity: .node("edge-01", in: PKITestSupport.trustDomain))
            #expect(await PKITestSupport.verify(issued.certificate, against: ca.certificate))
            // No temporary files are left behind.
            let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(entries.sorted() == ["ca-key.pem", "ca.pem"])
        }
    }

    @Test("saving over an existing CA is refused with alreadyExists, and the old CA is untouched")
    func refusesOverwrite() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let first = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
            try first.save(to: directory)
            let second = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
            let error = try #require(throws: SecurityError.self) { try second.save(to: directory) }
            #expect(error.code == .alreadyExists)
            #expect(error.message.contains(directory.appendingPathComponent("ca.pem").path))
            #expect(try CertificateAuthority.load(from: directory).certificate == first.certificate)

            // Even a lone key file (a half-made CA) blocks a new one.
            let other = directory.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: other.appendingPathComponent("ca-key.pem"))
            let keyError = try #require(throws: SecurityError.self) { try second.save(to: other) }
            #expect(keyError.code == .alreadyExists)
            #expect(keyError.message.contains("ca-key.pem"))
            #expect(!FileManager.default.fileExists(atPath: other.appendingPathComponent("ca.pem").path))
        }
    }

    @Test("a missing file is named")
    func missingFiles() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let nothing = try #require(throws: SecurityError.self) { try CertificateAuthority.load(from: directory) }
            #expect(nothing.code == .io)
            #expect(
                nothing.message
                    == "\(directory.appendingPathComponent("ca.pem").path): no such file (expected the CA certificate)")

            let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
            try ca.save(to: directory)
            try FileManager.default.removeItem(at: directory.appendingPathComponent("ca-key.pem"))
            let noKey = try #require(throws: SecurityError.self) { try CertificateAuthority.load(from: directory) }
            #expect(noKey.code == .io)
            #expect(noKey.message.hasPrefix("\(directory.appendingPathComponent("ca-key.pem").path): no such file"))
        }
    }

    @Test("corrupt files are refused with the file named")
    func corruptFiles() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
            try ca.save(to: directory)
            let certificateURL = directory.appendingPathComponent("ca.pem")
            let keyURL = directory.appendingPathComponent("ca-key.pem")
            let goodCertificate = try String(contentsOf: certificateURL, encoding: .utf8)

            try Data("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n".utf8)
                .write(to: certificateURL)
            let badCertificate = try #require(throws: SecurityError.self) {
                try CertificateAuthority.load(from: directory)
            }
            #expect(badCertificate.code == .invalidCertificate)
            #expect(badCertificate.message == "\(certificateURL.path): not a PEM certificate")

            try Data(goodCertificate.utf8).write(to: certificateURL)
            try Data("garbage\n".utf8).write(to: keyURL)
            let badKey = try #require(throws: SecurityError.self) { try CertificateAuthority.load(from: directory) }
            #expect(badKey.code == .invalidCertificate)
            #expect(badKey.message == "\(keyURL.path): not an ECDSA P-256 private key in PEM")
        }
    }

    @Test("a key that does not belong to the certificate is refused")
    func mismatchedKey() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let first = directory.appendingPathComponent("first")
            let second = directory.appendingPathComponent("second")
            try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain).save(to: first)
            try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain).save(to: second)
            let keyURL = first.appendingPathComponent("ca-key.pem")
            try FileManager.default.removeItem(at: keyURL)
            try FileManager.default.copyItem(at: second.appendingPathComponent("ca-key.pem"), to: keyURL)
            let error = try #require(throws: SecurityError.self) { try CertificateAuthority.load(from: first) }
            #expect(error.code == .invalidCertificate)
            #expect(
                error.message
                    == "\(keyURL.path): the private key does not belong to the certificate in "
                    + "\(first.appendingPathComponent("ca.pem").path)")
        }
    }

    @Test("a leaf certificate is not accepted as a CA")
    func leafIsNotACA() throws {
        let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
        let issued = try ca.issue(identity: .central(in: PKITestSupport.trustDomain))
        let error = try #require(throws: SecurityError.self) {
            try CertificateAuthority(certificatePEM: issued.certificatePEM, privateKeyPEM: issued.privateKeyPEM)
        }
        #expect(error.message == "the CA certificate: not a CA certificate (basicConstraints CA:true is missing)")
    }
}
