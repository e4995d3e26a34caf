public import Foundation
@_spi(FixedExpiryValidationTime) public import X509

/// The certificate, key and trust root one EOS peer uses for mutual TLS, checked and with the identity it carries.
///
/// A daemon loads it from its `--tls-dir` with ``load(from:now:)``: `ca.pem` (the trust root), `cert.pem` (its
/// certificate) and `key.pem` (its key), as ``IssuedCertificate/write(to:replace:)`` and `eosctl pki issue` lay
/// them out. Loading refuses, with the file named, material that would only fail later in a handshake: a key that
/// does not match the certificate, a certificate not issued by the CA (checked with swift-certificates' `Verifier`
/// under RFC 5280), one that is expired or not yet valid, one without exactly one EOS SPIFFE URI SAN, one in
/// another trust domain than the CA, or one not allowed for TLS server and client use.
///
/// The transport hands the PEM texts to TLS and uses ``identity`` for the peer's own side of authorization.
public struct TLSMaterial: Sendable {
    /// The trust root's file name in a TLS folder.
    public static let caCertificateFileName = "ca.pem"
    /// The peer certificate's file name in a TLS folder.
    public static let certificateFileName = "cert.pem"
    /// The private key's file name in a TLS folder.
    public static let privateKeyFileName = "key.pem"

    /// The identity the certificate carries: who this peer is.
    public let identity: SPIFFEIdentity
    /// The peer's certificate.
    public let certificate: Certificate
    /// The CA certificate that every peer of the trust domain chains to.
    public let caCertificate: Certificate
    /// The peer's certificate as PEM.
    public let certificatePEM: String
    /// The peer's private key as PEM.
    public let privateKeyPEM: String
    /// The CA certificate as PEM.
    public let caCertificatePEM: String

    /// The trust domain of ``identity``.
    public var trustDomain: String { identity.trustDomain }

    /// Loads and checks a TLS folder: `ca.pem`, `cert.pem` and `key.pem`.
    ///
    /// Throws `.io` naming a file that is missing or unreadable, `.invalidCertificate` (or `.invalidIdentity`)
    /// naming the file that is wrong and why. `now` is the time validity is checked at.
    public static func load(from directory: URL, now: Date = Date()) async throws(SecurityError) -> TLSMaterial {
        let caURL = directory.appendingPathComponent(caCertificateFileName)
        let certificateURL = directory.appendingPathComponent(certificateFileName)
        let keyURL = directory.appendingPathComponent(privateKeyFileName)
        let caPEM = try PKIFiles.read(caURL, what: "CA certificate")
        let certificatePEM = try PKIFiles.read(certificateURL, what: "certificate")
        let keyPEM = try PKIFiles.read(keyURL, what: "private key")
        return try await TLSMaterial(
            certificatePEM: certificatePEM, privateKeyPEM: keyPEM, caCertificatePEM: caPEM, now: now,
            sources: Sources(ca: caURL.path, certificate: certificateURL.path, key: keyURL.path))
    }

    /// Checks PEM texts held in memory, as ``load(from:now:)`` checks files.
    public init(
        certificatePEM: String, privateKeyPEM: String, caCertificatePEM: String, now: Date = Date()
    ) async throws(SecurityError) {
        try await self.init(
            certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, caCertificatePEM: caCertificatePEM, now: now,
            sources: Sources(ca: "the CA certificate", certificate: "the certificate", key: "the private key"))
    }

    /// Checks a certificate just issued in this process, without files (`eosd dev`, tests).
    public init(_ issued: IssuedCertificate, now: Date = Date()) async throws(SecurityError) {
        try await self.init(
            certificatePEM: issued.certificatePEM, privateKeyPEM: issued.privateKeyPEM,
            caCertificatePEM: issued.caCertificatePEM, now: now)
    }

    /// What each input is called in messages: a path, or a description.
    private struct Sources {
        let ca: String
        let certificate: String
        let key: String
    }

    private init(
        certificatePEM: String, privateKeyPEM: String, caCertificatePEM: String, now: Date, sources: Sources
    ) async throws(SecurityError) {
        let caCertificate = try PKIBuilding.certificate(fromPEM: caCertificatePEM, source: sources.ca)
        let certificate = try PKIBuilding.certificate(fromPEM: certificatePEM, source: sources.certificate)
        let key = try PKIBuilding.privateKey(fromPEM: privateKeyPEM, source: sources.key)
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw SecurityError(
                code: .invalidCertificate,
                message: "\(sources.key): the private key does not belong to the certificate in \(sources.certificate)")
        }
        guard case .isCertificateAuthority = try? caCertificate.extensions.basicConstraints else {
            throw SecurityError(
                code: .invalidCertificate,
                message: "\(sources.ca): not a CA certificate (basicConstraints CA:true is missing)")
        }
        try Self.checkValidity(of: caCertificate, at: now, source: sources.ca)
        try Self.checkValidity(of: certificate, at: now, source: sources.certificate)
        try await Self.checkChain(leaf: certificate, ca: caCertificate, at: now, sources: sources)

        let identity: SPIFFEIdentity
        do {
            identity = try PeerAuthorization.identity(of: certificate)
        } catch {
            throw SecurityError(code: error.code, message: "\(sources.certificate): \(error.message)")
        }
        if let caTrustDomain = CertificateAuthority.trustDomain(of: caCertificate),
            caTrustDomain != identity.trustDomain
        {
            throw SecurityError(
                code: .invalidIdentity,
                message: "\(sources.certificate): \(identity) is in trust domain \"\(identity.trustDomain)\", but the "
                    + "CA in \(sources.ca) is for \"\(caTrustDomain)\"")
        }
        if let usages = try? certificate.extensions.extendedKeyUsage,
            !usages.contains(.any), !(usages.contains(.serverAuth) && usages.contains(.clientAuth))
        {
            throw SecurityError(
                code: .invalidCertificate,
                message: "\(sources.certificate): extendedKeyUsage must allow both serverAuth and clientAuth, "
                    + "since every EOS peer is a TLS server and client")
        }

        self.identity = identity
        self.certificate = certificate
        self.caCertificate = caCertificate
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.caCertificatePEM = caCertificatePEM
    }

    private static func checkValidity(of certificate: Certificate, at now: Date, source: String) throws(SecurityError) {
        if now < certificate.notValidBefore {
            throw SecurityError(
                code: .invalidCertificate,
                message: "\(source): not valid before \(PKITime.text(certificate.notValidBefore)); is the clock right?")
        }
        if now > certificate.notValidAfter {
            throw SecurityError(
                code: .invalidCertificate, message: "\(source): expired at \(PKITime.text(certificate.notValidAfter))")
        }
    }

    /// The certificate must chain to the CA under RFC 5280: issued by it, signature valid, constraints met.
    private static func checkChain(
        leaf: Certificate, ca: Certificate, at now: Date, sources: Sources
    ) async throws(SecurityError) {
        var verifier = Verifier(rootCertificates: CertificateStore([ca])) {
            RFC5280Policy(fixedExpiryValidationTime: now)
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore()) {
        case .validCertificate:
            return
        case .couldNotValidate(let failures):
            let reasons = failures.map { "\($0.policyFailureReason)" }
            throw SecurityError(
                code: .invalidCertificate,
                message: "\(sources.certificate): not issued by the CA in \(sources.ca)"
                    + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"))
        }
    }
}
