import Foundation
import Testing

@Suite("eosctl pki")
struct PKICommandTests {
    /// Runs `body` with a fresh folder that is removed afterwards.
    static func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eosctl-pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory.path)
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func contents(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test("init creates ca.pem and ca-key.pem (0600) and says so")
    func initCreatesCA() throws {
        try Self.withTemporaryDirectory { root in
            let ca = root + "/ca"
            let outcome = try EOSCtlProcess.run(["pki", "init", "--dir", ca, "--trust-domain", "fleet.example.com"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stderr == "")
            let lines = outcome.stdout.split(separator: "\n").map(String.init)
            try #require(lines.count == 3, "\(outcome.stdout)")
            #expect(lines[0].hasPrefix("created CA for trust domain fleet.example.com, valid until "))
            #expect(lines[1] == "wrote \(ca)/ca-key.pem (private key, mode 0600)")
            #expect(lines[2] == "wrote \(ca)/ca.pem")
            #expect(try Self.contents(ca + "/ca.pem").hasPrefix("-----BEGIN CERTIFICATE-----\n"))
            #expect(try Self.contents(ca + "/ca-key.pem").hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            #expect(try Self.mode(ca + "/ca-key.pem") == 0o600)
        }
    }

    @Test("init refuses, exit 1, to overwrite an existing CA, naming the file")
    func initRefusesOverwrite() throws {
        try Self.withTemporaryDirectory { root in
            let ca = root + "/ca"
            #expect(
                try EOSCtlProcess.run(["pki", "init", "--dir", ca, "--trust-domain", "fleet.example.com"]).status == 0)
            let before = try Self.contents(ca + "/ca.pem")
            let outcome = try EOSCtlProcess.run(["pki", "init", "--dir", ca, "--trust-domain", "fleet.example.com"])
            #expect(outcome.status == 1)
            #expect(outcome.stdout == "")
            #expect(
                outcome.stderr.hasPrefix("error: \(ca)/ca.pem already exists: refusing to overwrite an existing CA"))
            #expect(try Self.contents(ca + "/ca.pem") == before)
        }
    }

    @Test(
        "issue writes ca.pem, cert.pem and key.pem for each role",
        arguments: [
            ["--role", "central"], ["--role", "site", "--id", "store-0042"], ["--role", "node", "--id", "edge-01"],
        ])
    func issueForEachRole(roleArguments: [String]) throws {
        try Self.withTemporaryDirectory { root in
            let ca = root + "/ca"
            let out = root + "/tls"
            #expect(
                try EOSCtlProcess.run(["pki", "init", "--dir", ca, "--trust-domain", "fleet.example.com"]).status == 0)
            let outcome = try EOSCtlProcess.run(["pki", "issue", "--dir", ca, "--out", out] + roleArguments)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let uri =
                "spiffe://fleet.example.com/eos/" + roleArguments[1]
                + (roleArguments.count > 2 ? "/\(roleArguments[3])" : "")
            let lines = outcome.stdout.split(separator: "\n").map(String.init)
            try #require(lines.count == 4, "\(outcome.stdout)")
            #expect(lines[0].hasPrefix("issued \(uri) (SANs: localhost, 127.0.0.1), valid until "))
            #expect(lines[1] == "wrote \(out)/ca.pem")
            #expect(lines[2] == "wrote \(out)/key.pem (private key, mode 0600)")
            #expect(lines[3] == "wrote \(out)/cert.pem")
            #expect(try Self.contents(out + "/ca.pem") == (try Self.contents(ca + "/ca.pem")))
            #expect(try Self.contents(out + "/cert.pem").hasPrefix("-----BEGIN CERTIFICATE-----\n"))
            #expect(try Self.mode(out + "/key.pem") == 0o600)
        }
    }

    @Test("--san replaces the default names; --validity-days sets the lifetime")
    func issueWithNames() throws {
        try Self.withTemporaryDirectory { root in
            let ca = root + "/ca"
            let out = root + "/tls"
            #expect(
                try EOSCtlProcess.run(["pki", "init", "--dir", ca, "--trust-domain", "fleet.example.com"]).status == 0)
            let outcome = try EOSCtlProcess.run([
                "pki", "issue", "--dir", ca, "--role", "node", "--id", "edge-01", "--san", "edge-01.example.com",
                "--san", "10.0.4.17", "--san", "[fd00::17]", "--validity-days", "30", "--out", out,
            ])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(
                outcome.stdout.hasPrefix(
                    "issued spiffe://fleet.example.com/eos/node/edge-01 (SANs: edge-01.example.com, 10.0.4.17, fd00::17)"
                ))
        }
    }

    @Test("issue refuses, exit 1, to overwrite a TLS folder unless --replace")
    func issueRefusesOverwrite() throws {
        try Self.withTemporaryDirectory { root in
            let ca = root + "/ca"
            let out = root + "/tls"
            #expect(
                try EOSCtlProcess.run(["pki", "init", "--dir", ca, "--trust-domain", "fleet.example.com"]).status == 0)
            let issue = ["pki", "issue", "--dir", ca, "--role", "site", "--id", "store-1", "--out", out]
            #expect(try EOSCtlProcess.run(issue).status == 0)
            let before = try Self.contents(out + "/cert.pem")
            let refused = try EOSCtlProcess.run(issue)
            #expect(refused.status == 1)
            #expect(
                refused.stderr
                    == "error: \(out)/ca.pem already exists; refusing to overwrite it (--replace renews the certificate)\n"
            )
            #expect(try Self.contents(out + "/cert.pem") == before)
            let replaced = try EOSCtlProcess.run(issue + ["--replace"])
            #expect(replaced.status == 0, "\(replaced.stderr)")
            #expect(try Self.contents(out + "/cert.pem") != before)
        }
    }

    @Test("issue refuses, exit 1, when the CA cannot be read, naming the file")
    func unreadableCA() throws {
        try Self.withTemporaryDirectory { root in
            let ca = root + "/ca"
            let out = root + "/tls"
            let missing = try EOSCtlProcess.run(["pki", "issue", "--dir", ca, "--role", "central", "--out", out])
            #expect(missing.status == 1)
            #expect(missing.stderr == "error: \(ca)/ca.pem: no such file (expected the CA certificate)\n")
            #expect(!FileManager.default.fileExists(atPath: out))

            #expect(
                try EOSCtlProcess.run(["pki", "init", "--dir", ca, "--trust-domain", "fleet.example.com"]).status == 0)
            try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: ca + "/ca-key.pem"))
            let corrupt = try EOSCtlProcess.run(["pki", "issue", "--dir", ca, "--role", "central", "--out", out])
            #expect(corrupt.status == 1)
            #expect(corrupt.stderr.hasPrefix("error: \(ca)/ca-key.pem: not an ECDSA P-256 private key in PEM"))
        }
    }

    @Test("a validity longer than the CA's remaining life is refused with exit 1")
    func outlivesCA() throws {
        try Self.withTemporaryDirectory { root in
            let ca = root + "/ca"
            let created = try EOSCtlProcess.run([
                "pki", "init", "--dir", ca, "--trust-domain", "fleet.example.com", "--validity-days", "10",
            ])
            #expect(created.status == 0)
            let outcome = try EOSCtlProcess.run([
                "pki", "issue", "--dir", ca, "--role", "central", "--out", root + "/tls",
            ])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("a validity of 365 days would outlive the CA"))
        }
    }

    @Test(
        "bad usage exits 2 with the reason",
        arguments: [
            (
                ["pki", "issue", "--dir", "D", "--role", "central", "--id", "x", "--out", "O"],
                "--role central takes no --id"
            ),
            (["pki", "issue", "--dir", "D", "--role", "site", "--out", "O"], "--role site needs --id ID"),
            (["pki", "issue", "--dir", "D", "--role", "node", "--out", "O"], "--role node needs --id ID"),
            (["pki", "issue", "--dir", "D", "--role", "pilot", "--out", "O"], "pilot"),
            (["pki", "issue", "--dir", "D", "--role", "node", "--id", "-x", "--out", "O"], "Missing value for '--id"),
            (["pki", "issue", "--dir", "D", "--role", "node", "--id", "_x", "--out", "O"], "--id: id \"_x\""),
            (["pki", "issue", "--dir", "D", "--role", "node", "--id", "a", "--san", "a b", "--out", "O"], "--san:"),
            (["pki", "issue", "--dir", "D", "--role", "central"], "--out"),
            (
                ["pki", "issue", "--dir", "D", "--role", "central", "--out", "O", "--validity-days", "0"],
                "--validity-days"
            ),
            (["pki", "init", "--dir", "D"], "--trust-domain"),
            (["pki", "init", "--dir", "D", "--trust-domain", "Fleet"], "--trust-domain: trust domain \"Fleet\""),
            (["pki", "init", "--trust-domain", "fleet.example.com"], "--dir"),
            (["pki", "frobnicate"], "frobnicate"),
        ])
    func usage(arguments: [String], fragment: String) throws {
        let outcome = try EOSCtlProcess.run(arguments)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(fragment), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "D"))
    }
}
