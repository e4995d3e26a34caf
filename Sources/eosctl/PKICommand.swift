import ArgumentParser

/// `eosctl pki`: the fleet's certificate authority and the certificates of its peers.
struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Create the fleet's certificate authority and issue mTLS certificates for central, sites and nodes.",
        discussion: """
            Every gRPC connection between EOS tiers is mutual TLS. Each peer's certificate carries its identity as \
            a URI SAN: spiffe://DOMAIN/eos/central, .../eos/site/ID or .../eos/node/ID. 'pki init' creates the CA \
            once; 'pki issue' writes a folder that a daemon's --tls-dir reads.
            """,
        subcommands: [PKIInitCommand.self, PKIIssueCommand.self]
    )
}
