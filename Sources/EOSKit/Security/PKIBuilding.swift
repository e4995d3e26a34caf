import Crypto
import SwiftASN1
import X509

/// Conversions between PEM text and swift-certificates / swift-crypto values, with errors that name the source.
enum PKIBuilding {
    /// Runs `body`, turning any error into `.invalidCertificate` with `message`.
    static func attempt<T>(_ message: String, _ body: () throws -> T) throws(SecurityError) -> T {
        do {
            return try body()
        } catch let error as SecurityError {
            throw error
        } catch {
            throw SecurityError(code: .invalidCertificate, message: message, cause: error)
        }
    }

    /// The certificate as PEM.
    static func pem(of certificate: Certificate) throws(SecurityError) -> String {
        try attempt("cannot encode the certificate as PEM") { try certificate.serializeAsPEM().pemString + "\n" }
    }

    /// The private key as PKCS#8 PEM (`PRIVATE KEY`), ending in a newline.
    static func pem(of key: P256.Signing.PrivateKey) -> String {
        let pem = key.pemRepresentation
        return pem.hasSuffix("\n") ? pem : pem + "\n"
    }

    /// Parses one PEM certificate.
    static func certificate(fromPEM pem: String, source: String) throws(SecurityError) -> Certificate {
        try attempt("\(source): not a PEM certificate") { try Certificate(pemEncoded: pem) }
    }

    /// Parses an ECDSA P-256 private key (PKCS#8 `PRIVATE KEY` or SEC 1 `EC PRIVATE KEY`).
    static func privateKey(fromPEM pem: String, source: String) throws(SecurityError) -> P256.Signing.PrivateKey {
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw SecurityError(
                code: .invalidCertificate, message: "\(source): not an ECDSA P-256 private key in PEM", cause: error)
        }
    }
}
