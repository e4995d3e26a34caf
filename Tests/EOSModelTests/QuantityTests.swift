import Testing

@testable import EOSModel

@Suite("Quantity")
struct QuantityTests {
    @Test(arguments: [
        ("500m", 0.5), ("0.5", 0.5), ("256Mi", 268_435_456), ("1Gi", 1_073_741_824), ("1e3", 1000),
        ("1.5G", 1.5e9), ("2", 2), ("+2", 2), ("100k", 100_000), ("4Ki", 4096), ("512M", 512e6), ("1E2", 100),
        ("1e-3", 0.001), ("250u", 0.000_25), ("0", 0), (".5", 0.5), ("1Ti", 1_099_511_627_776),
    ])
    func parses(text: String, value: Double) throws {
        let quantity = try #require(Quantity(text))
        #expect(abs(quantity.value - value) <= abs(value) * 1e-12)
        #expect(quantity.text == text)
        #expect(quantity.description == text)
    }

    @Test(arguments: ["12x", "-1", "Mi", "", ".", "m", "1.2.3", "1 Mi", "1mi", "1e19", "1e", "0x10", "1,5", "++1"])
    func rejects(text: String) {
        #expect(Quantity(text) == nil)
    }

    @Test func milliValueRoundsUp() throws {
        #expect(try #require(Quantity("500m")).milliValue == 500)
        #expect(try #require(Quantity("0.5")).milliValue == 500)
        #expect(try #require(Quantity("2")).milliValue == 2000)
        #expect(try #require(Quantity("1n")).milliValue == 1)
        #expect(try #require(Quantity("1E")).milliValue == .max)
    }

    @Test func decodesFromAPlainNumberInADocument() throws {
        let deployment = try FleetDeployment(yaml: Self.document(cpu: "0.5", memory: "256Mi"))
        let resources = try #require(deployment.spec.workloads.first?.process?.resources)
        #expect(resources.cpu == Quantity("0.5"))
        #expect(resources.memory?.value == 268_435_456)
    }

    @Test func refusesACPUShareBelowOneMillicore() throws {
        let error = try #require(throws: DocumentError.self) {
            try FleetDeployment(yaml: Self.document(cpu: "0", memory: "64Mi"))
        }
        #expect(error.problems.map(\.path.description) == ["spec.workloads[0].process.resources.cpu"])
        #expect(error.problems.first?.message == "0 is less than the smallest CPU share, 1m")
    }

    static func document(cpu: String, memory: String) -> String {
        """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata: {name: quantity-check}
        spec:
          workloads:
            - name: worker
              process:
                command: [/bin/worker]
                resources: {cpu: \(cpu), memory: \(memory)}
        """
    }
}
