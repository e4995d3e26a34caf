import Testing

@testable import EOSModel

@Suite("Percentage")
struct PercentageTests {
    @Test(arguments: [("25%", 25.0), ("2.5%", 2.5), ("0%", 0), ("100%", 100), ("007%", 7), ("99.99%", 99.99)])
    func parses(text: String, value: Double) throws {
        #expect(try #require(Percentage(parsing: text)).value == value)
    }

    @Test(arguments: ["101%", "-1%", "25", "25 %", " 25%", "%", "abc%", "", "25%%", "100.01%", "nan%", "inf%"])
    func rejects(text: String) {
        #expect(Percentage(parsing: text) == nil)
    }

    @Test func rangeIsZeroToHundred() {
        #expect(Percentage(-0.1) == nil)
        #expect(Percentage(100.5) == nil)
        #expect(Percentage(.infinity) == nil)
        #expect(Percentage(.nan) == nil)
        #expect(Percentage(0) != nil)
        #expect(Percentage(100) != nil)
    }

    @Test func printsWholeNumbersWithoutAFraction() throws {
        #expect(try #require(Percentage(25)).description == "25%")
        #expect(try #require(Percentage(2.5)).description == "2.5%")
        #expect(try #require(Percentage(parsing: "10.0%")).description == "10%")
    }

    @Test func sharesRoundUpAndFloorRoundsDown() throws {
        let fivePercent = try #require(Percentage(5))
        #expect(fivePercent.of(30) == 2)
        #expect(fivePercent.floor(of: 30) == 1)
        #expect(fivePercent.of(0) == 0)
        #expect(try #require(Percentage(100)).of(7) == 7)
        #expect(try #require(Percentage(0)).of(1000) == 0)
        #expect(try #require(Percentage(1)).of(1) == 1)
    }

    @Test func ordersByValue() throws {
        let steps = try ["50%", "5%", "100%", "25%"].map { try #require(Percentage(parsing: $0)) }
        #expect(steps.sorted().map(\.description) == ["5%", "25%", "50%", "100%"])
    }

    @Test(arguments: [
        ("150%", "150% is outside 0%–100%"),
        ("-5%", "-5% is outside 0%–100%"),
        ("12.5", "\"12.5\" is not a percentage"),
        ("half", "\"half\" is not a percentage"),
    ])
    func documentProblemNamesTheMistake(text: String, message: String) throws {
        let error = try #require(throws: DocumentError.self) {
            try FleetDeployment(yaml: RolloutDocument.text(rollout: "failureThreshold: \"\(text)\""))
        }
        let problem = try #require(error.problems.first)
        #expect(error.problems.count == 1)
        #expect(problem.path.description == "spec.rollout.failureThreshold")
        #expect(problem.message.contains(message))
    }
}

/// A valid deployment whose `spec.rollout` body is given, for checking rollout values one at a time.
enum RolloutDocument {
    static func text(rollout: String) -> String {
        """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata: {name: rollout-check}
        spec:
          workloads:
            - name: worker
              process: {command: [/bin/worker]}
          rollout: {\(rollout)}
        """
    }
}
