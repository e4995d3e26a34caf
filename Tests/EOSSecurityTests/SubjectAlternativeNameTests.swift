import Testing

@testable import EOSSecurity

@Suite("Subject alternative names")
struct SubjectAlternativeNameTests {
    @Test(
        "IP addresses, v4 and v6, parse into their bytes",
        arguments: [
            ("127.0.0.1", [127, 0, 0, 1], "127.0.0.1"),
            ("10.0.4.17", [10, 0, 4, 17], "10.0.4.17"),
            ("::1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "::1"),
            ("[fd00::17]", [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x17], "fd00::17"),
            ("::ffff:10.0.0.1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1], "::ffff:10.0.0.1"),
        ] as [(String, [UInt8], String)])
    func ipAddresses(text: String, bytes: [UInt8], canonical: String) throws {
        let name = try SubjectAlternativeName(text)
        #expect(name.value == .ipAddress(bytes))
        #expect(name.isIPAddress)
        #expect(name.description == canonical)
    }

    @Test("DNS names are kept, in lower case")
    func dnsNames() throws {
        #expect(try SubjectAlternativeName("localhost").value == .dnsName("localhost"))
        #expect(try SubjectAlternativeName("Edge-01.Store.example.com").value == .dnsName("edge-01.store.example.com"))
        #expect(try SubjectAlternativeName("a1.b2").value == .dnsName("a1.b2"))
    }

    @Test(
        "text that is neither is refused with the reason",
        arguments: [
            "", "1.2.3", "300.1.1.1", "-edge", "edge-", "a..b", "edge_01", "*.example.com", "fe80::1%eth0",
            "a b",
        ])
    func refused(text: String) {
        #expect(throws: SecurityError.self) { try SubjectAlternativeName(text) }
    }

    @Test("the defaults are localhost and 127.0.0.1")
    func defaults() {
        #expect(SubjectAlternativeName.defaults.map(\.description) == ["localhost", "127.0.0.1"])
    }
}
