import Foundation
import Testing

@testable import EOSModel

@Suite("DurationValue")
struct DurationValueTests {
    @Test(arguments: [
        ("90s", 90.0), ("1h30m", 5400), ("500ms", 0.5), ("8m30s", 510), ("30", 30), ("0", 0), ("1.5h", 5400),
        ("10m", 600), ("2h", 7200), ("1m0.5s", 60.5), ("250ms", 0.25), ("0s", 0),
    ])
    func parses(text: String, seconds: Double) throws {
        let duration = try #require(DurationValue(text))
        #expect(duration.seconds == seconds)
        #expect(duration.description == text)
    }

    @Test(arguments: ["5 minutes", "1d", "", "-5s", "s", "ms", "1h30", "5sec", "1.2.3s", "5S", " 5s", "1e3s", "1w"])
    func rejects(text: String) {
        #expect(DurationValue(text) == nil)
    }

    @Test func wholeSecondsAreWrittenWithAUnit() {
        let duration = DurationValue(seconds: 10)
        #expect(duration.text == "10s")
        #expect(duration.duration == .seconds(10))
        #expect(Workload.defaultStopTimeout == duration)
        #expect(RolloutPolicy.defaultProgressDeadline.seconds == 600)
    }

    @Test func keepsTheTextThroughJSON() throws {
        let values = try ["1h30m", "90", "500ms"].map { try #require(DurationValue($0)) }
        let data = try JSONEncoder().encode(values)
        #expect(String(decoding: data, as: UTF8.self) == #"["1h30m","90","500ms"]"#)
        #expect(try JSONDecoder().decode([DurationValue].self, from: data) == values)
        #expect(try JSONDecoder().decode([DurationValue].self, from: Data("[45]".utf8)).first?.seconds == 45)
    }

    @Test func progressDeadlineMustBeAtLeastOneSecond() throws {
        let error = try #require(throws: DocumentError.self) {
            try FleetDeployment(yaml: RolloutDocument.text(rollout: "progressDeadline: 500ms"))
        }
        #expect(
            error.problems.map(\.description) == [
                "spec.rollout.progressDeadline: must be at least 1s, found 500ms (8:31)"
            ])
    }
}
