import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import EOSSecurity

@Suite("Issuing certificates")
struct IssuedCertificateTests {
    /// One CA for the suite: making keys is cheap, but there is no need to make one per test.
    static let ca = Result { () throws(SecurityError) in
        try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
    }

    @Test(
        "a leaf for each role verifies against the CA and carries exactly the expected SANs, EKUs and key usage",
        arguments: SPIFFEIdentity.Role.allCases)
    func leaf(role: SPIFFEIdentity.Role) async throws {
        let identity = try SPIFFEIdentity(
            trustDomain: PKITestSupport.trustDomain, role: role, id: role == .central ? nil : "\(role.rawValue)-0042")
        let ca = try Self.ca.get()
        let issued = try ca.issue(identity: identity)
        let leaf = issued.certificate
        #expect(issued.identity == identity)
        #expect(await PKITestSupport.verify(leaf, against: ca.certificate))

        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(
            Array(names) == [
                .uniformResourceIdentifier(identity.uri), .dnsName("localhost"),
                .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
            ])
        #expect(try PeerAuthorization.identity(of: leaf) == identity)
        let usages = try #require(try leaf.extensions.extendedKeyUsage)
        #expect(Array(usages) == [.serverAuth, .clientAuth])
        #expect(try leaf.extensions.keyUsage == KeyUsage(digitalSignature: true))
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(leaf.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
        #expect(leaf.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        #expect(leaf.extensions[oid: .X509ExtensionID.extendedKeyUsage]?.critical == false)
        let authorityKeyIdentifier = try #require(try leaf.extensions.authorityKeyIdentifier?.keyIdentifier)
        #expect(authorityKeyIdentifier == (try ca.certificate.extensions.subjectKeyIdentifier)?.keyIdentifier)
        #expect(try leaf.extensions.subjectKeyIdentifier == SubjectKeyIdentifier(hash: leaf.publicKey))
        #expect(P256.Signing.PublicKey(leaf.publicKey) != nil)
        #expect(leaf.issuer == ca.certificate.subject)
        #expect("\(leaf.subject)".contains("CN=\(identity.id ?? "central")"))

        // The key is the certificate's key.
        let key = try P256.Signing.PrivateKey(pemRepresentation: issued.privateKeyPEM)
        #expect(Certificate.PublicKey(key.publicKey) == leaf.publicKey)
        #expect(try Certificate(pemEncoded: issued.caCertificatePEM) == ca.certificate)
    }

    @Test("DNS and IP SANs are recorded as such, in order and without duplicates")
    func subjectAlternativeNames() throws {
        let ca = try Self.ca.get()
        let names = try ["edge-01.store.example.com", "10.0.4.17", "fd00::17", "Edge-01.Store.Example.com"]
            .map(SubjectAlternativeName.init)
        let issued = try ca.issue(
            identity: .node("edge-01", in: PKITestSupport.trustDomain), subjectAlternativeNames: names)
        let recorded = try #require(try issued.certificate.extensions.subjectAlternativeNames)
        #expect(
            Array(recorded) == [
                .uniformResourceIdentifier("spiffe://fleet.example.com/eos/node/edge-01"),
                .dnsName("edge-01.store.example.com"),
                .ipAddress(ASN1OctetString(contentBytes: [10, 0, 4, 17])),
                .ipAddress(ASN1OctetString(contentBytes: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x17])),
            ])
    }

    @Test("serials are random and validity starts a few minutes in the past")
    func serialsAndValidity() throws {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        // A CA made an hour ago, so the leaf's backdated start is not clamped to the CA's own start.
        let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain, now: now - 3600)
        let identity = try SPIFFEIdentity.node("edge-01", in: PKITestSupport.trustDomain)
        let first = try ca.issue(identity: identity, now: now)
        let second = try ca.issue(identity: identity, now: now)
        #expect(first.certificate.serialNumber != second.certificate.serialNumber)
        #expect(first.certificate.serialNumber.bytes.count >= 8)
        #expect(first.certificate.notValidBefore == now - 300)
        #expect(first.certificate.notValidAfter == now + 365 * 86_400)
        let short = try ca.issue(identity: identity, validity: .seconds(7 * 86_400), now: now)
        #expect(short.certificate.notValidAfter == now + 7 * 86_400)
    }

    @Test("a leaf never starts before its CA, even when the issuer's clock is a little behind the CA's")
    func notBeforeTheCA() throws {
        let now = PKITestSupport.fixedNow
        let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain, now: now)
        let issued = try ca.issue(
            identity: .central(in: PKITestSupport.trustDomain), validity: .seconds(86_400), now: now - 60)
        #expect(issued.certificate.notValidBefore == ca.certificate.notValidBefore)
    }

    @Test("a validity longer than the CA's remaining life is refused")
    func outlivesCA() throws {
        let now = PKITestSupport.fixedNow
        let ca = try CertificateAuthority.create(
            trustDomain: PKITestSupport.trustDomain, validity: .seconds(30 * 86_400), now: now)
        let identity = try SPIFFEIdentity.node("edge-01", in: PKITestSupport.trustDomain)
        let error = try #require(throws: SecurityError.self) { try ca.issue(identity: identity, now: now) }
        #expect(error.code == .invalidCertificate)
        #expect(error.message.contains("a validity of 365 days would outlive the CA"))
        #expect(error.message.contains("at most 30 days remain"))
        #expect(throws: Never.self) { try ca.issue(identity: identity, validity: .seconds(30 * 86_400), now: now) }

        let expired = try #require(throws: SecurityError.self) {
            try ca.issue(identity: identity, validity: .seconds(60), now: now + 31 * 86_400)
        }
        #expect(expired.message.hasPrefix("the CA expired at"))
    }

    @Test("an identity from another trust domain is refused")
    func otherTrustDomain() throws {
        let ca = try Self.ca.get()
        let error = try #require(throws: SecurityError.self) {
            try ca.issue(identity: .node("edge-01", in: PKITestSupport.otherTrustDomain))
        }
        #expect(error.code == .invalidIdentity)
        #expect(
            error.message == "spiffe://other.example.com/eos/node/edge-01 is in trust domain \"other.example.com\"; "
                + "this CA signs for \"fleet.example.com\"")
    }

    @Test("write lays out ca.pem, cert.pem and key.pem (0600) and refuses to overwrite unless told to replace")
    func write() async throws {
        try await PKITestSupport.withTemporaryDirectory { directory in
            let ca = try Self.ca.get()
            let identity = try SPIFFEIdentity.site("store-0042", in: PKITestSupport.trustDomain)
            let issued = try ca.issue(identity: identity)
            let out = directory.appendingPathComponent("tls")
            let written = try issued.write(to: out)
            #expect(written.map(\.lastPathComponent) == ["ca.pem", "key.pem", "cert.pem"])
            #expect(try PKITestSupport.mode(out.appendingPathComponent("key.pem")) == 0o600)
            #expect(try PKITestSupport.mode(out.appendingPathComponent("cert.pem")) == 0o644)
            #expect(
                try String(contentsOf: out.appendingPathComponent("cert.pem"), encoding: .utf8) == issued.certificatePEM
            )
            #expect(
                try String(contentsOf: out.appendingPathComponent("key.pem"), encoding: .utf8) == issued.privateKeyPEM)
            #expect(try String(contentsOf: out.appendingPathComponent("ca.pem"), encoding: .utf8) == ca.certificatePEM)

            let renewed = try ca.issue(identity: identity)
            let error = try #require(throws: SecurityError.self) { try renewed.write(to: out) }
            #expect(error.code == .alreadyExists)
            #expect(
                error.message == "\(out.appendingPathComponent("ca.pem").path) already exists; refusing to overwrite it"
            )
            #expect(
                try String(contentsOf: out.appendingPathComponent("cert.pem"), encoding: .utf8) == issued.certificatePEM
            )

            try renewed.write(to: out, replace: true)
            #expect(
                try String(contentsOf: out.appendingPathComponent("cert.pem"), encoding: .utf8)
                    == renewed.certificatePEM)
            #expect(try PKITestSupport.mode(out.appendingPathComponent("key.pem")) == 0o600)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == [
                    "ca.pem", "cert.pem", "key.pem",
                ])
        }
    }
}
