import EOSTesting
import Foundation
import Testing

@testable import EOSSecurity

/// The `openssl` command-line tool, if this machine has it.
enum OpenSSLTool {
    /// The `openssl` executable found on `PATH`.
    static let location: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("openssl") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// CI sets `EOS_REQUIRE_INTEGRATION=1`: a missing `openssl` is then a failure, not a skip.
    static let required = ProcessInfo.processInfo.environment["EOS_REQUIRE_INTEGRATION"] == "1"

    /// Runs `openssl` with `arguments` and returns its exit status and combined output.
    static func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let outcome = try SpawnedCommand.run(executable.path, arguments)
        return (outcome.status, outcome.output + outcome.error)
    }
}

@Suite(
    "OpenSSL agrees",
    .enabled(
        if: OpenSSLTool.location != nil || OpenSSLTool.required,
        "openssl is not on PATH: skipping the independent check (EOS_REQUIRE_INTEGRATION=1 makes this a failure)"))
struct OpenSSLInteropTests {
    @Test(
        "openssl verifies each role's certificate against the CA, for TLS server and client use, and shows its SANs",
        arguments: SPIFFEIdentity.Role.allCases)
    func verify(role: SPIFFEIdentity.Role) async throws {
        let openssl = try #require(
            OpenSSLTool.location, "EOS_REQUIRE_INTEGRATION=1 but openssl is not on PATH; install Debian's openssl")
        try await PKITestSupport.withTemporaryDirectory { directory in
            let ca = try CertificateAuthority.create(trustDomain: PKITestSupport.trustDomain)
            try ca.save(to: directory.appendingPathComponent("ca"))
            let identity = try SPIFFEIdentity(
                trustDomain: PKITestSupport.trustDomain, role: role, id: role == .central ? nil : "\(role)-7")
            let names = try ["\(role)-7.example.com", "10.1.2.3", "::1"].map(SubjectAlternativeName.init)
            let out = directory.appendingPathComponent("tls")
            try ca.issue(identity: identity, subjectAlternativeNames: names).write(to: out)
            let caPath = out.appendingPathComponent("ca.pem").path
            let certificatePath = out.appendingPathComponent("cert.pem").path
            let keyPath = out.appendingPathComponent("key.pem").path

            for purpose in ["sslserver", "sslclient"] {
                let verified = try OpenSSLTool.run(
                    openssl, ["verify", "-x509_strict", "-purpose", purpose, "-CAfile", caPath, certificatePath])
                #expect(verified.status == 0, "\(verified.output)")
                #expect(verified.output.contains("\(certificatePath): OK"), "\(verified.output)")
            }

            let text = try OpenSSLTool.run(openssl, ["x509", "-in", certificatePath, "-noout", "-text"])
            #expect(text.status == 0, "\(text.output)")
            for fragment in [
                "URI:\(identity.uri)", "DNS:\(role)-7.example.com", "IP Address:10.1.2.3", "IP Address:0:0:0:0:0:0:0:1",
                "TLS Web Server Authentication, TLS Web Client Authentication", "CA:FALSE", "Digital Signature",
                "ASN1 OID: prime256v1", "ecdsa-with-SHA256",
            ] {
                #expect(text.output.contains(fragment), "missing \(fragment) in:\n\(text.output)")
            }

            let caText = try OpenSSLTool.run(openssl, ["x509", "-in", caPath, "-noout", "-text"])
            #expect(caText.output.contains("CA:TRUE"), "\(caText.output)")
            #expect(caText.output.contains("Certificate Sign, CRL Sign"), "\(caText.output)")
            #expect(caText.output.contains("URI:spiffe://fleet.example.com"), "\(caText.output)")
            #expect(
                caText.output.contains("CN=EOS CA fleet.example.com")
                    || caText.output.contains("CN = EOS CA fleet.example.com"))

            // The key file holds the certificate's key.
            let keyPublic = try OpenSSLTool.run(openssl, ["pkey", "-in", keyPath, "-pubout"])
            let certificatePublic = try OpenSSLTool.run(openssl, ["x509", "-in", certificatePath, "-noout", "-pubkey"])
            #expect(keyPublic.status == 0, "\(keyPublic.output)")
            #expect(keyPublic.output == certificatePublic.output)

            // The CA key loads in openssl too.
            let caKey = try OpenSSLTool.run(
                openssl, ["pkey", "-in", directory.appendingPathComponent("ca/ca-key.pem").path, "-noout"])
            #expect(caKey.status == 0, "\(caKey.output)")
        }
    }
}
