import EOSTesting
import Testing

@testable import EOSModel

/// Feeds thousands of seeded, hand-style breakages of the valid fixtures to the decoder: it must never crash or
/// hang, and every rejection must say what is wrong and where, in terms that point into the text it was given.
@Suite("FleetDeployment mutation")
struct FleetMutationTests {
    static let seed: UInt64 = 0x5EED_0F1E_E7DE_C0DE
    static let mutantCount = 10_800
    static let roundTripSampling = 8

    @Test func everyMutantIsAcceptedCleanlyOrRejectedWithLocatedProblems() throws {
        let mutators = try Fixture.all(in: "valid-fleet").map { DocumentMutator($0.text) }
        try #require(!mutators.isEmpty)
        var random = SplitMix64(seed: Self.seed)
        var accepted: [DocumentMutator.Mutation: Int] = [:]
        var rejected: [DocumentMutator.Mutation: Int] = [:]
        var failures: [String] = []
        let clock = ContinuousClock()
        let start = clock.now
        for number in 0..<Self.mutantCount {
            let mutation = DocumentMutator.Mutation.allCases.randomElement(using: &random)!
            let text = mutators[number % mutators.count].apply(mutation, using: &random)
            do {
                let deployments = try FleetDeployment.decodeAll(yaml: text)
                accepted[mutation, default: 0] += 1
                for deployment in deployments where !deployment.validationProblems().isEmpty {
                    failures.append("accepted a deployment that breaks its rules:\n\(text)")
                }
                // Encoding YAML is slow in a debug build, so only a sample of accepted mutants is round-tripped.
                if accepted[mutation, default: 0] % Self.roundTripSampling == 0 {
                    for deployment in deployments
                    where (try? FleetDeployment(yaml: deployment.yamlString())) != deployment {
                        failures.append("an accepted mutant does not survive yamlString():\n\(text)")
                    }
                }
            } catch {
                rejected[mutation, default: 0] += 1
                if let failure = Self.checkRejection(error, of: text) { failures.append(failure) }
            }
        }
        let elapsed = start.duration(to: clock.now)
        let totalAccepted = accepted.values.reduce(0, +)
        let totalRejected = rejected.values.reduce(0, +)
        let seconds = (elapsed / .milliseconds(10)).rounded() / 100
        print("mutation: \(Self.mutantCount) mutants, \(totalAccepted) accepted, \(totalRejected) rejected")
        print("mutation: decoded in \(seconds) s")
        for mutation in DocumentMutator.Mutation.allCases {
            let counts = (accepted: accepted[mutation, default: 0], rejected: rejected[mutation, default: 0])
            print("  \(mutation): \(counts.accepted) accepted, \(counts.rejected) rejected")
        }
        #expect(totalAccepted + totalRejected == Self.mutantCount)
        #expect(totalRejected > 0)
        #expect(failures.isEmpty, Comment(rawValue: failures.prefix(5).joined(separator: "\n-----\n")))
    }

    /// What is wrong with a rejection, or `nil` when every problem has a message, a path and a location in range.
    static func checkRejection(_ error: DocumentError, of text: String) -> String? {
        guard !error.problems.isEmpty else { return "rejected with no problem:\n\(text)" }
        let lineCount = lineBreaks(in: text) + 1
        for problem in error.problems {
            var mistakes: [String] = []
            if problem.message.isEmpty { mistakes.append("empty message") }
            if problem.path.description.isEmpty { mistakes.append("empty path") }
            if let location = problem.location {
                if location.line < 1 || location.column < 1 { mistakes.append("location before 1:1") }
                if location.line > lineCount + 1 { mistakes.append("line past the end (\(lineCount) lines)") }
            }
            if !mistakes.isEmpty {
                return "\(mistakes.joined(separator: ", ")) in \(problem) for:\n\(text)"
            }
        }
        return nil
    }

    /// Line breaks as YAML counts them: `\r\n`, `\r`, `\n`, and the Unicode breaks NEL, LS and PS.
    static func lineBreaks(in text: String) -> Int {
        var count = 0
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where previous == "\r": break
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": count += 1
            default: break
            }
            previous = scalar
        }
        return count
    }
}
