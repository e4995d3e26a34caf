import Crypto
public import Foundation
import SwiftASN1
import X509

extension CertificateAuthority {
    /// Issues a leaf certificate and a fresh key for `identity`: what a central, site or node presents in mutual TLS,
    /// as server and as client.
    ///
    /// The certificate has an ECDSA P-256 key; the SPIFFE URI SAN of `identity` followed by
    /// `subjectAlternativeNames` (duplicates dropped) as DNS and IP SANs; extendedKeyUsage serverAuth and
    /// clientAuth; keyUsage digitalSignature (critical); basicConstraints CA:false (critical); subject and
    /// authority key identifiers; a random 160-bit serial; subject `O=EOS, OU=<role>, CN=<id or central>`. It is
    /// valid from a few minutes before `now` (to allow for clock skew) for `validity`.
    ///
    /// Throws `.invalidIdentity` if `identity` is in another trust domain, and `.invalidCertificate` if the CA is
    /// not valid at `now` or `validity` would outlive the CA.
    public func issue(
        identity: SPIFFEIdentity,
        subjectAlternativeNames: [SubjectAlternativeName] = SubjectAlternativeName.defaults,
        validity: Duration = IssuedCertificate.defaultValidity,
        now: Date = Date()
    ) throws(SecurityError) -> IssuedCertificate {
        guard identity.trustDomain == trustDomain else {
            throw SecurityError(
                code: .invalidIdentity,
                message:
                    "\(identity) is in trust domain \"\(identity.trustDomain)\"; this CA signs for \"\(trustDomain)\"")
        }
        guard validity > .zero else {
            throw SecurityError(code: .invalidCertificate, message: "a certificate's validity must be positive")
        }
        let now = PKITime.wholeSeconds(now)
        let notAfter = PKITime.wholeSeconds(now + PKITime.seconds(validity))
        guard now >= certificate.notValidBefore else {
            throw SecurityError(
                code: .invalidCertificate,
                message: "the CA is not valid before \(PKITime.text(certificate.notValidBefore)); is the clock right?")
        }
        guard now < certificate.notValidAfter else {
            throw SecurityError(
                code: .invalidCertificate,
                message: "the CA expired at \(PKITime.text(certificate.notValidAfter)); create a new CA")
        }
        guard notAfter <= certificate.notValidAfter else {
            throw SecurityError(
                code: .invalidCertificate,
                message: "a validity of \(PKITime.days(PKITime.seconds(validity))) would outlive the CA, which expires "
                    + "at \(PKITime.text(certificate.notValidAfter)); at most "
                    + "\(PKITime.days(certificate.notValidAfter.timeIntervalSince(now))) remain")
        }
        // A leaf valid before its issuer would be refused by strict verifiers.
        let notBefore = max(now - PKITime.clockSkewAllowance, certificate.notValidBefore)

        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        var names: [GeneralName] = [.uniformResourceIdentifier(identity.uri)]
        for name in subjectAlternativeNames {
            let generalName: GeneralName
            switch name.value {
            case .dnsName(let dnsName): generalName = .dnsName(dnsName)
            case .ipAddress(let bytes): generalName = .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
            }
            if !names.contains(generalName) { names.append(generalName) }
        }
        let authorityKeyIdentifier =
            (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
        let signingKey = Certificate.PrivateKey(privateKey)
        let issuer = certificate.subject

        let leaf = try PKIBuilding.attempt("cannot build the certificate for \(identity)") {
            let subject = try DistinguishedName {
                OrganizationName("EOS")
                OrganizationalUnitName(identity.role.rawValue)
                CommonName(identity.id ?? "central")
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
                SubjectAlternativeNames(names)
            }
            return try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuer, subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: signingKey)
        }
        return IssuedCertificate(
            identity: identity, certificate: leaf, certificatePEM: try PKIBuilding.pem(of: leaf),
            privateKeyPEM: PKIBuilding.pem(of: key), caCertificatePEM: certificatePEM)
    }
}
