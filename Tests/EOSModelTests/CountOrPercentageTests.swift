import Foundation
import Testing

@testable import EOSModel

@Suite("CountOrPercentage")
struct CountOrPercentageTests {
    @Test func decodesACountOrAShareInADocument() throws {
        let count = try FleetDeployment(yaml: RolloutDocument.text(rollout: "maxUnavailable: 2"))
        #expect(count.spec.rollout.maxUnavailable == .count(2))
        let share = try FleetDeployment(yaml: RolloutDocument.text(rollout: "maxUnavailable: 10%"))
        #expect(share.spec.rollout.maxUnavailable == .percentage(try #require(Percentage(10))))
        let quoted = try FleetDeployment(yaml: RolloutDocument.text(rollout: "maxUnavailable: \"3\""))
        #expect(quoted.spec.rollout.maxUnavailable == .count(3))
    }

    @Test(arguments: [
        ("-1", "-1 must not be negative"),
        ("150%", "150% is outside 0%–100%"),
        ("two", "\"two\" is neither a count nor a percentage"),
        ("1.5", "\"1.5\" is neither a count nor a percentage"),
        ("0", "must allow at least one node, found 0"),
        ("0%", "must allow at least one node, found 0%"),
    ])
    func documentProblems(text: String, message: String) throws {
        let error = try #require(throws: DocumentError.self) {
            try FleetDeployment(yaml: RolloutDocument.text(rollout: "maxUnavailable: \(text)"))
        }
        #expect(error.problems.count == 1)
        #expect(error.problems.first?.path.description == "spec.rollout.maxUnavailable")
        #expect(error.problems.first?.message.contains(message) == true)
    }

    @Test func resolvesAgainstATotal() throws {
        #expect(CountOrPercentage.count(5).resolve(against: 3) == 3)
        #expect(CountOrPercentage.count(2).resolve(against: 10) == 2)
        #expect(CountOrPercentage.percentage(try #require(Percentage(10))).resolve(against: 25) == 3)
        #expect(CountOrPercentage.percentage(try #require(Percentage(100))).resolve(against: 4) == 4)
        #expect(CountOrPercentage.percentage(try #require(Percentage(0))).resolve(against: 4) == 0)
    }

    @Test func printsAsWritten() throws {
        #expect(CountOrPercentage.count(2).description == "2")
        #expect(CountOrPercentage.percentage(try #require(Percentage(2.5))).description == "2.5%")
    }

    @Test func roundTripsThroughJSON() throws {
        let values: [CountOrPercentage] = [.count(0), .count(7), .percentage(try #require(Percentage(25)))]
        let data = try JSONEncoder().encode(values)
        #expect(String(decoding: data, as: UTF8.self) == #"[0,7,"25%"]"#)
        #expect(try JSONDecoder().decode([CountOrPercentage].self, from: data) == values)
    }
}
