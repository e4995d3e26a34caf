import Crypto
public import Foundation
import SwiftASN1
public import X509

/// The certificate authority of one EOS trust domain: it signs the certificates every central, site and node
/// presents in mutual TLS.
///
/// Its certificate is self-signed with an ECDSA P-256 key: `basicConstraints` CA:true (path length 0, so it signs
/// leaves only), `keyUsage` keyCertSign and cRLSign, subject `O=EOS, CN=EOS CA <trust-domain>`, and the trust
/// domain recorded as the URI SAN `spiffe://<trust-domain>`, as SPIFFE asks of a signing certificate.
///
/// ```swift
/// let ca = try CertificateAuthority.create(trustDomain: "fleet.example.com")
/// try ca.save(to: URL(fileURLWithPath: "/etc/eos/ca"))            // ca.pem, ca-key.pem (0600)
/// let issued = try ca.issue(identity: .node("edge-01", in: "fleet.example.com"))
/// try issued.write(to: URL(fileURLWithPath: "/etc/eos/tls"))      // ca.pem, cert.pem, key.pem
/// ```
public struct CertificateAuthority: Sendable {
    /// The CA certificate's file name in a CA folder.
    public static let certificateFileName = "ca.pem"
    /// The CA private key's file name in a CA folder; written with mode 0600.
    public static let privateKeyFileName = "ca-key.pem"
    /// How long a new CA is valid unless told otherwise: ten years.
    public static let defaultValidity: Duration = .seconds(3652 * 86_400)

    /// The trust domain this CA signs identities for, such as `fleet.example.com`.
    public let trustDomain: String
    /// The CA certificate.
    public let certificate: Certificate
    /// The CA certificate as PEM: what every peer trusts.
    public let certificatePEM: String
    /// The signing key; never leaves this type except through ``save(to:)``.
    let privateKey: P256.Signing.PrivateKey

    private init(
        trustDomain: String, certificate: Certificate, certificatePEM: String, privateKey: P256.Signing.PrivateKey
    ) {
        self.trustDomain = trustDomain
        self.certificate = certificate
        self.certificatePEM = certificatePEM
        self.privateKey = privateKey
    }

    /// Creates a new CA with a fresh key, valid from a few minutes before `now` (to allow for clock skew) for
    /// `validity`. Nothing is written: call ``save(to:)``.
    public static func create(
        trustDomain: String, validity: Duration = defaultValidity, now: Date = Date()
    ) throws(SecurityError) -> CertificateAuthority {
        try SPIFFEIdentity.checkTrustDomain(trustDomain)
        guard validity > .zero else {
            throw SecurityError(code: .invalidCertificate, message: "a CA's validity must be positive")
        }
        let now = PKITime.wholeSeconds(now)
        let key = P256.Signing.PrivateKey()
        let signingKey = Certificate.PrivateKey(key)
        let certificate = try PKIBuilding.attempt("cannot build the CA certificate") {
            let name = try DistinguishedName {
                OrganizationName("EOS")
                CommonName("EOS CA \(trustDomain)")
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: signingKey.publicKey)
                SubjectAlternativeNames([.uniformResourceIdentifier("spiffe://\(trustDomain)")])
            }
            return try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signingKey.publicKey,
                notValidBefore: now - PKITime.clockSkewAllowance,
                notValidAfter: PKITime.wholeSeconds(now + PKITime.seconds(validity)),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: signingKey)
        }
        let pem = try PKIBuilding.pem(of: certificate)
        return CertificateAuthority(
            trustDomain: trustDomain, certificate: certificate, certificatePEM: pem, privateKey: key)
    }

    /// Loads a CA saved by ``save(to:)``: `ca.pem` and `ca-key.pem` in `directory`.
    ///
    /// Throws `.io` naming the file that is missing or unreadable, and `.invalidCertificate` naming the file that
    /// is corrupt, is not a CA certificate, does not record a trust domain, or whose key does not match.
    public static func load(from directory: URL) throws(SecurityError) -> CertificateAuthority {
        let certificateURL = directory.appendingPathComponent(certificateFileName)
        let keyURL = directory.appendingPathComponent(privateKeyFileName)
        let certificatePEM = try PKIFiles.read(certificateURL, what: "CA certificate")
        let keyPEM = try PKIFiles.read(keyURL, what: "CA private key")
        return try CertificateAuthority(
            certificatePEM: certificatePEM, privateKeyPEM: keyPEM, certificateSource: certificateURL.path,
            keySource: keyURL.path)
    }

    /// Makes a CA from its certificate and private key in PEM (the key as PKCS#8 or SEC 1), checking that the
    /// certificate is an EOS CA certificate and that the key is its key.
    public init(certificatePEM: String, privateKeyPEM: String) throws(SecurityError) {
        try self.init(
            certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, certificateSource: "the CA certificate",
            keySource: "the CA private key")
    }

    private init(
        certificatePEM: String, privateKeyPEM: String, certificateSource: String, keySource: String
    ) throws(SecurityError) {
        let certificate = try PKIBuilding.certificate(fromPEM: certificatePEM, source: certificateSource)
        let key = try PKIBuilding.privateKey(fromPEM: privateKeyPEM, source: keySource)
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw SecurityError(
                code: .invalidCertificate,
                message: "\(keySource): the private key does not belong to the certificate in \(certificateSource)")
        }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw SecurityError(
                code: .invalidCertificate,
                message: "\(certificateSource): not a CA certificate (basicConstraints CA:true is missing)")
        }
        guard let trustDomain = Self.trustDomain(of: certificate) else {
            throw SecurityError(
                code: .invalidCertificate,
                message: "\(certificateSource): does not record an EOS trust domain (a URI SAN spiffe://DOMAIN)")
        }
        self.init(trustDomain: trustDomain, certificate: certificate, certificatePEM: certificatePEM, privateKey: key)
    }

    /// Saves the CA into `directory` (created with mode 0700 if missing) as `ca.pem` and `ca-key.pem` (mode 0600),
    /// each written atomically, and returns the paths written.
    ///
    /// Refuses with `.alreadyExists`, writing nothing, if either file is already there: overwriting a CA would
    /// orphan every certificate it signed.
    @discardableResult
    public func save(to directory: URL) throws(SecurityError) -> [URL] {
        for name in [Self.certificateFileName, Self.privateKeyFileName] {
            let path = directory.appendingPathComponent(name).path
            if PKIFiles.exists(path) {
                throw SecurityError(
                    code: .alreadyExists,
                    message: "\(path) already exists: refusing to overwrite an existing CA (its certificates would "
                        + "no longer verify); choose another folder")
            }
        }
        return try PKIFiles.store(
            [
                .init(
                    name: Self.privateKeyFileName, contents: PKIBuilding.pem(of: privateKey),
                    mode: PKIFiles.privateKeyMode),
                .init(name: Self.certificateFileName, contents: certificatePEM, mode: PKIFiles.certificateMode),
            ], in: directory, replace: false)
    }

    /// The trust domain a CA certificate records as its `spiffe://DOMAIN` URI SAN, if it records one.
    static func trustDomain(of certificate: Certificate) -> String? {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return nil }
        for case .uniformResourceIdentifier(let uri) in names where uri.hasPrefix("spiffe://") {
            let domain = String(uri.dropFirst("spiffe://".count))
            if !domain.contains("/"), SPIFFEIdentity.trustDomainProblem(domain) == nil { return domain }
        }
        return nil
    }
}
