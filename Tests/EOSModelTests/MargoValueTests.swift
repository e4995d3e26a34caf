import Foundation
import Testing

@testable import EOSModel

/// `MargoValue`: scalars keep the type they were written with, through YAML and JSON.
@Suite("Margo values")
struct MargoValueTests {
    /// Reads `labels` through a capabilities report, the public way values are read.
    static func labels(_ yaml: String) throws(DocumentError) -> [String: MargoValue] {
        try DeviceCapabilitiesManifest(yaml: "properties: {vendor: Acme}\nlabels:\n" + yaml).labels
    }

    @Test("plain and quoted scalars keep their types")
    func scalarTypes() throws {
        let labels = try Self.labels(
            """
              plainTrue: true
              quotedTrue: "true"
              duration: 8m30s
              integer: 30
              number: 1.5
              quotedNumber: "4"
              version: 1.10
              empty: ''
              yes: yes
              list: [1, x, false]
            """)
        #expect(labels["plainTrue"] == .boolean(true))
        #expect(labels["quotedTrue"] == .string("true"))
        #expect(labels["duration"] == .string("8m30s"))
        #expect(labels["integer"] == .integer(30))
        #expect(labels["number"] == .number(1.5))
        #expect(labels["quotedNumber"] == .string("4"))
        #expect(labels["version"] == .number(1.1))
        #expect(labels["empty"] == .string(""))
        #expect(labels["yes"] == .string("yes"))
        #expect(labels["list"] == .list([.integer(1), .string("x"), .boolean(false)]))
    }

    @Test("text that looks like another type is written so it reads back as text")
    func textRoundTrip() throws {
        let texts = [
            "true", "False", "4", "-5", "1.0", "null", "~", "", "0x1F", "8m30s", "2.3.7", "a: b", "- x", "yes",
        ]
        var labels: [String: MargoValue] = [:]
        for (index, text) in texts.enumerated() { labels["k\(index)"] = .string(text) }
        labels["number"] = .number(1)
        labels["negative"] = .number(-0.25)
        labels["integer"] = .integer(-7)
        let report = DeviceCapabilitiesManifest(properties: MargoDeviceProperties(vendor: "Acme"), labels: labels)
        let yaml = try report.yamlString()
        #expect(try DeviceCapabilitiesManifest(yaml: yaml) == report, "\(yaml)")
        // JSON writes an integral number as an integer; everything else keeps its type.
        var expected = report
        expected.labels["number"] = .integer(1)
        #expect(try JSONDecoder().decode(DeviceCapabilitiesManifest.self, from: report.jsonData()) == expected)
    }

    @Test("a mapping is not a value")
    func mappingRefused() throws {
        do {
            _ = try Self.labels("  nested: {a: b}")
            Issue.record("a mapping was accepted as a value")
        } catch {
            #expect(
                error.problems.map(\.description) == [
                    "labels.nested: expected text, a number, a boolean or a list, found a mapping (3:3)"
                ])
        }
    }

    @Test("reading values as the type a consumer needs")
    func conversions() {
        #expect(MargoValue.string("120").integerValue == 120)
        #expect(MargoValue.number(2).integerValue == 2)
        #expect(MargoValue.number(2.5).integerValue == nil)
        #expect(MargoValue.string("0.5").doubleValue == 0.5)
        #expect(MargoValue.string("abc").doubleValue == nil)
        #expect(MargoValue.string("true").booleanValue == true)
        #expect(MargoValue.integer(1).booleanValue == nil)
        #expect(MargoValue.number(30).text == "30")
        #expect(MargoValue.number(0.5).text == "0.5")
        #expect(MargoValue.list(["a", 1]).text == "a,1")
        #expect(MargoValue.list(["a", 1]).description == "[a, 1]")
    }
}
