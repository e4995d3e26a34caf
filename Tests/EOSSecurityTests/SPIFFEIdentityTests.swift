import Testing

@testable import EOSSecurity

@Suite("SPIFFE identities")
struct SPIFFEIdentityTests {
    @Test("identities print and parse as spiffe://DOMAIN/eos/ROLE[/ID]")
    func roundTrip() throws {
        let identities = [
            try SPIFFEIdentity.central(in: "fleet.example.com"),
            try SPIFFEIdentity.site("store-0042", in: "fleet.example.com"),
            try SPIFFEIdentity.node("edge-01", in: "fleet.example.com"),
        ]
        #expect(
            identities.map(\.uri) == [
                "spiffe://fleet.example.com/eos/central",
                "spiffe://fleet.example.com/eos/site/store-0042",
                "spiffe://fleet.example.com/eos/node/edge-01",
            ])
        for identity in identities { #expect(try SPIFFEIdentity(uri: identity.uri) == identity) }
    }

    @Test(
        "malformed identities are refused with the reason",
        arguments: [
            "https://fleet.example.com/eos/central", "spiffe://fleet.example.com/eos/central/x",
            "spiffe://fleet.example.com/eos/site", "spiffe://Fleet/eos/node/a", "spiffe://d/eos/pilot/x",
            "spiffe://d/other/node/a", "spiffe://d/eos/node/-bad",
        ])
    func refused(uri: String) {
        #expect(throws: SecurityError.self) { try SPIFFEIdentity(uri: uri) }
    }
}
