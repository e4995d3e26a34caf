import Foundation
import Testing

@testable import EOSModel

/// Decodes every invalid FleetDeployment fixture and checks the problems against `InvalidFleetExpectations`.
@Suite("Invalid FleetDeployment fixtures")
struct InvalidFleetFixtureTests {
    static let folder = "invalid-fleet"

    @Test func everyFixtureFileHasAnExpectation() throws {
        let names = try Fixture.all(in: Self.folder).map(\.name)
        #expect(names.count >= 35)
        #expect(names.filter { $0.hasSuffix(".json") }.count >= 3)
        let missing = Set(names).subtracting(InvalidFleetExpectations.table.keys)
        let orphaned = Set(InvalidFleetExpectations.table.keys).subtracting(names)
        #expect(missing.isEmpty, "fixtures without an expectation: \(missing.sorted())")
        #expect(orphaned.isEmpty, "expectations without a fixture: \(orphaned.sorted())")
    }

    @Test(arguments: InvalidFleetExpectations.table.keys.sorted())
    func reportsExactlyTheExpectedProblems(fixtureName: String) throws {
        let fixture = try Fixture.named(fixtureName, in: Self.folder)
        let expected = try #require(InvalidFleetExpectations.table[fixtureName])
        let error = try #require(throws: DocumentError.self) {
            try FleetDeployment.decodeAll(yaml: fixture.text)
        }
        Self.check(error.problems, against: expected, in: fixture)
    }

    /// A one-document fixture fails the same way through `init(yaml:)` and `init(data:)`, with the right code.
    @Test(arguments: InvalidFleetExpectations.table.keys.sorted())
    func singleDocumentReadersAgree(fixtureName: String) throws {
        let fixture = try Fixture.named(fixtureName, in: Self.folder)
        guard !fixture.text.contains("\n---") else { return }
        let expected = try #require(InvalidFleetExpectations.table[fixtureName])
        let fromText = try #require(throws: DocumentError.self) { try FleetDeployment(yaml: fixture.text) }
        let fromData = try #require(throws: DocumentError.self) {
            try FleetDeployment(data: Data(fixture.text.utf8))
        }
        Self.check(fromText.problems, against: expected, in: fixture)
        #expect(fromData == fromText)
        // A repeated key is not a syntax error: the first value is kept and the rest of the document is checked.
        let isSyntaxError = expected.allSatisfy { $0.message.hasPrefix("invalid YAML") }
        #expect(fromText.code == (isSyntaxError ? .syntax : .invalid))
    }

    /// Compares problems one by one: same count, same printed path, same line:column, message containing the text.
    static func check(_ problems: [ValidationProblem], against expected: [ExpectedProblem], in fixture: Fixture) {
        let report = "\(fixture.name) reported:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        #expect(problems.count == expected.count, Comment(rawValue: report))
        for (actual, wanted) in zip(problems, expected) {
            #expect(actual.path.description == wanted.path, Comment(rawValue: report))
            #expect(
                actual.location == SourceLocation(line: wanted.line, column: wanted.column), Comment(rawValue: report))
            #expect(actual.message.contains(wanted.message), Comment(rawValue: report))
            if !actual.path.components.isEmpty {
                #expect(DocumentPath(parsing: wanted.path) == actual.path)
            }
        }
    }
}
