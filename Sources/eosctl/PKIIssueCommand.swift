public import ArgumentParser
public import EOSKit
import Foundation

/// `eosctl pki issue --dir DIR --role ROLE [--id ID] --out OUTDIR`: issues a peer's certificate.
struct PKIIssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a certificate for the central, a site or a node.",
        discussion: """
            Signs a new certificate with the CA in DIR for spiffe://DOMAIN/eos/central (--role central, no --id), \
            .../eos/site/ID or .../eos/node/ID, and writes OUTDIR/ca.pem, OUTDIR/cert.pem and OUTDIR/key.pem \
            (mode 0600): what a daemon's --tls-dir reads. Each --san adds a DNS name or an IP address the peer is \
            reached by; without any, the certificate names localhost and 127.0.0.1. Refuses, exit 1, if OUTDIR \
            already holds any of the three files (unless --replace) or the CA cannot be read.
            """
    )

    @Option(help: "The CA folder made by 'eosctl pki init'.")
    var dir: String

    @Option(help: "Whom the certificate is for.")
    var role: SPIFFEIdentity.Role

    @Option(help: "The site or node id (not for --role central).")
    var id: String?

    @Option(
        name: .customLong("san"),
        help: ArgumentHelp("A DNS name or IP address to add as a SAN (repeatable).", valueName: "dns-or-ip"))
    var subjectAlternativeNames: [String] = []

    @Option(help: "The folder to write ca.pem, cert.pem and key.pem to (created if missing).")
    var out: String

    @Option(help: "How long the certificate is valid, in days.")
    var validityDays: Int = 365

    @Flag(help: "Replace the files in OUTDIR if they exist (renewal).")
    var replace = false

    func validate() throws {
        switch (role, id) {
        case (.central, _?): throw ValidationError("--role central takes no --id")
        case (.site, nil), (.node, nil): throw ValidationError("--role \(role.rawValue) needs --id ID")
        case (_, let id?):
            do {
                try SPIFFEIdentity.checkID(id)
            } catch {
                throw ValidationError("--id: \(error.message)")
            }
        case (.central, nil): break
        }
        _ = try parsedNames()
        try PKIValidity.check(days: validityDays)
    }

    /// The `--san` values parsed, or the defaults when none were given.
    private func parsedNames() throws -> [SubjectAlternativeName] {
        if subjectAlternativeNames.isEmpty { return SubjectAlternativeName.defaults }
        var names: [SubjectAlternativeName] = []
        for text in subjectAlternativeNames {
            do {
                names.append(try SubjectAlternativeName(text))
            } catch {
                throw ValidationError("--san: \(error.message)")
            }
        }
        return names
    }

    func run() async throws {
        let names = try parsedNames()
        do {
            let ca = try CertificateAuthority.load(from: URL(fileURLWithPath: dir))
            let identity = try SPIFFEIdentity(trustDomain: ca.trustDomain, role: role, id: id)
            let issued = try ca.issue(
                identity: identity, subjectAlternativeNames: names, validity: PKIValidity.duration(days: validityDays))
            let written = try issued.write(to: URL(fileURLWithPath: out), replace: replace)
            var text = "issued \(identity) (SANs: \(names.map(\.description).joined(separator: ", "))), valid until "
            text += "\(issued.certificate.notValidAfter.formatted(.iso8601))\n"
            for file in written {
                let isKey = file.lastPathComponent == TLSMaterial.privateKeyFileName
                text += "wrote \(file.path)" + (isKey ? " (private key, mode 0600)" : "") + "\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch {
            var error = error
            if error.code == .alreadyExists { error.message += " (--replace renews the certificate)" }
            throw PKIFailure.report(error)
        }
    }
}

extension SPIFFEIdentity.Role: ExpressibleByArgument {}
