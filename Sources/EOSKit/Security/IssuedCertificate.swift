public import Foundation
public import X509

/// A leaf certificate the CA issued, with its private key and the CA certificate: everything one EOS peer needs for
/// mutual TLS.
///
/// ``write(to:replace:)`` lays it out as a TLS folder (`ca.pem`, `cert.pem`, `key.pem`), which is what a daemon's
/// `--tls-dir` reads through ``TLSMaterial/load(from:now:)``. In one process (`eosd dev`, tests),
/// ``TLSMaterial/init(_:now:)`` uses it directly.
public struct IssuedCertificate: Sendable {
    /// How long an issued certificate is valid unless told otherwise: one year.
    public static let defaultValidity: Duration = .seconds(365 * 86_400)

    /// The identity the certificate carries as its URI SAN.
    public let identity: SPIFFEIdentity
    /// The leaf certificate.
    public let certificate: Certificate
    /// The leaf certificate as PEM.
    public let certificatePEM: String
    /// The leaf's private key as PKCS#8 PEM. Keep it secret: it is written with mode 0600.
    public let privateKeyPEM: String
    /// The issuing CA's certificate as PEM: the trust root for the peer's side of every connection.
    public let caCertificatePEM: String

    /// Assembles an issued certificate; ``CertificateAuthority/issue(identity:subjectAlternativeNames:validity:now:)``
    /// is how one is made.
    init(
        identity: SPIFFEIdentity, certificate: Certificate, certificatePEM: String, privateKeyPEM: String,
        caCertificatePEM: String
    ) {
        self.identity = identity
        self.certificate = certificate
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.caCertificatePEM = caCertificatePEM
    }

    /// Writes `ca.pem`, `cert.pem` and `key.pem` (mode 0600) into `directory`, creating it (mode 0700) if missing,
    /// each file atomically, and returns the paths written.
    ///
    /// Without `replace`, refuses with `.alreadyExists`, writing nothing, if any of the three exists. With
    /// `replace` (renewing a certificate), each file is replaced atomically.
    @discardableResult
    public func write(to directory: URL, replace: Bool = false) throws(SecurityError) -> [URL] {
        try PKIFiles.store(
            [
                .init(
                    name: TLSMaterial.caCertificateFileName, contents: caCertificatePEM, mode: PKIFiles.certificateMode),
                .init(name: TLSMaterial.privateKeyFileName, contents: privateKeyPEM, mode: PKIFiles.privateKeyMode),
                .init(name: TLSMaterial.certificateFileName, contents: certificatePEM, mode: PKIFiles.certificateMode),
            ], in: directory, replace: replace)
    }
}
