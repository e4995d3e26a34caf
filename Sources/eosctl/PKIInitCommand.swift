import ArgumentParser
import EOSKit
import Foundation

/// `eosctl pki init --dir DIR --trust-domain DOMAIN`: creates the fleet's CA.
struct PKIInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new certificate authority for a trust domain.",
        discussion: """
            Writes DIR/ca.pem (the CA certificate every peer trusts) and DIR/ca-key.pem (its private key, mode \
            0600: keep it offline if you can). Refuses, exit 1, if DIR already holds a CA.
            """
    )

    @Option(help: "The folder to create the CA in (created if missing).")
    var dir: String

    @Option(help: "The trust domain, a lower-case DNS name such as fleet.example.com.")
    var trustDomain: String

    @Option(help: "How long the CA is valid, in days.")
    var validityDays: Int = 3652

    func validate() throws {
        do {
            try SPIFFEIdentity.checkTrustDomain(trustDomain)
        } catch {
            throw ValidationError("--trust-domain: \(error.message)")
        }
        try PKIValidity.check(days: validityDays)
    }

    func run() async throws {
        let directory = URL(fileURLWithPath: dir)
        do {
            let ca = try CertificateAuthority.create(
                trustDomain: trustDomain, validity: PKIValidity.duration(days: validityDays))
            let written = try ca.save(to: directory)
            var text = "created CA for trust domain \(ca.trustDomain), valid until "
            text += "\(ca.certificate.notValidAfter.formatted(.iso8601))\n"
            for file in written {
                let isKey = file.lastPathComponent == CertificateAuthority.privateKeyFileName
                text += "wrote \(file.path)" + (isKey ? " (private key, mode 0600)" : "") + "\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch {
            throw PKIFailure.report(error)
        }
    }
}
