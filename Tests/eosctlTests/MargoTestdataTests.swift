import Foundation
import Testing

/// `eosctl validate` against the Margo specification's own examples: every valid one accepted, every invalid one
/// refused with a message naming the offending field.
@Suite("eosctl validate on the Margo specification's examples")
struct MargoTestdataTests {
    /// The field each invalid example gets wrong, by file name.
    static let offendingFields: [String: String] = [
        "src-DesiredState-004.yaml": "id",
        "data-model-ApplicationDescription-001.yaml": "kind",
        "src-ApplicationDescription-002.yaml": "id",
        "model-DeploymentStatusManifest-002.json": "status.state",
        "model-DesiredStateManifest-001.json": "manifestVersion",
        "model-DesiredStateManifest-002.json": "bundle.mediaType",
        "model-DeviceCapabilitiesManifest-001.json": "properties.roles[0]",
        "model-DeviceCapabilitiesManifest-002.json": "properties.vendor",
    ]

    static func files(in verdict: String) throws -> [URL] {
        let root = EOSCtlProcess.margoTestdata
        let kinds = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        var files: [URL] = []
        for kind in kinds {
            let folder = root.appendingPathComponent(kind).appendingPathComponent(verdict)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            files += names.sorted().map { folder.appendingPathComponent($0) }
        }
        return files
    }

    @Test("the testdata folders are there")
    func testdataPresent() throws {
        #expect(try Self.files(in: "valid").count >= 8)
        #expect(try Self.files(in: "invalid").count == Self.offendingFields.count)
    }

    @Test("every valid example is accepted")
    func valid() throws {
        for file in try Self.files(in: "valid") {
            let outcome = try EOSCtlProcess.run(["validate", "-f", file.path])
            #expect(outcome.status == 0, "\(file.lastPathComponent): \(outcome.stdout)")
            #expect(outcome.stdout.hasPrefix("valid: "), "\(file.lastPathComponent): \(outcome.stdout)")
        }
    }

    @Test("every invalid example is refused, naming the offending field")
    func invalid() throws {
        for file in try Self.files(in: "invalid") {
            let field = try #require(
                Self.offendingFields[file.lastPathComponent], "no expectation for \(file.lastPathComponent)")
            let outcome = try EOSCtlProcess.run(["validate", "-f", file.path])
            #expect(outcome.status == 1, "\(file.lastPathComponent)")
            let lines = outcome.stdout.split(separator: "\n")
            let names = lines.contains { line in
                line.hasPrefix("\(file.path):") && line.contains(": \(field): ")
            }
            #expect(names, "\(file.lastPathComponent) should name \(field): \(outcome.stdout)")
        }
    }
}
