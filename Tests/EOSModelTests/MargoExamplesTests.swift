import Foundation
import Testing

@testable import EOSModel

/// The Margo specification's own examples (`../shared/testdata/margo/`): every valid one read with no problem and
/// written back unchanged; every invalid one refused at the offending field.
@Suite("Margo specification examples")
struct MargoExamplesTests {
    /// `…/shared/testdata/margo`, beside the repository clone.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata/margo", isDirectory: true)

    /// The document kind each folder holds.
    static let kinds: [String: DocumentKind] = [
        "application-description": .applicationDescription,
        "application-deployment": .applicationDeployment,
        "deployment-status": .deploymentStatus,
        "device-capabilities": .deviceCapabilities,
        "desired-state-manifest": .desiredStateManifest,
    ]

    /// The field each invalid example gets wrong.
    static let offendingPaths: [String: DocumentPath] = [
        "application-deployment/invalid/src-DesiredState-004.yaml": ["id"],
        "application-description/invalid/data-model-ApplicationDescription-001.yaml": ["kind"],
        "application-description/invalid/src-ApplicationDescription-002.yaml": ["id"],
        "deployment-status/invalid/model-DeploymentStatusManifest-002.json": ["status", "state"],
        "desired-state-manifest/invalid/model-DesiredStateManifest-001.json": ["manifestVersion"],
        "desired-state-manifest/invalid/model-DesiredStateManifest-002.json": ["bundle", "mediaType"],
        "device-capabilities/invalid/model-DeviceCapabilitiesManifest-001.json": ["properties", "roles", 0],
        "device-capabilities/invalid/model-DeviceCapabilitiesManifest-002.json": ["properties", "vendor"],
    ]

    /// One example file.
    struct Example: CustomStringConvertible {
        /// `folder/verdict/name`.
        let relativePath: String
        let folder: String
        let text: String
        var description: String { relativePath }
    }

    /// Every file under `*/verdict/`; a missing testdata folder fails the test rather than skipping it.
    static func examples(_ verdict: String) throws -> [Example] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        try #require(
            manager.fileExists(atPath: root.path, isDirectory: &isDirectory) && isDirectory.boolValue,
            "Margo testdata not found at \(root.path)")
        var examples: [Example] = []
        for folder in try manager.contentsOfDirectory(atPath: root.path).sorted() {
            let directory = root.appendingPathComponent(folder).appendingPathComponent(verdict)
            guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            for name in try manager.contentsOfDirectory(atPath: directory.path).sorted() {
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                examples.append(Example(relativePath: "\(folder)/\(verdict)/\(name)", folder: folder, text: text))
            }
        }
        return examples
    }

    /// Reads `text` as the type the folder holds.
    static func decode(_ example: Example) throws -> Result<any EOSDocument, DocumentError> {
        func read<T: EOSDocument>(_ type: T.Type) -> Result<any EOSDocument, DocumentError> {
            Result { () throws(DocumentError) in try T(yaml: example.text) }.map { $0 }
        }
        switch try #require(kinds[example.folder], "unexpected testdata folder \(example.folder)") {
        case .applicationDescription: return read(ApplicationDescription.self)
        case .applicationDeployment: return read(ApplicationDeployment.self)
        case .deploymentStatus: return read(DeploymentStatusManifest.self)
        case .deviceCapabilities: return read(DeviceCapabilitiesManifest.self)
        default: return read(DesiredStateManifest.self)
        }
    }

    /// The kind `DocumentKind.recognise` gives the example's single document.
    static func recognise(_ example: Example) throws -> Result<DocumentKind, DocumentError> {
        let documents = ParsedDocument.parseStream(example.text)
        try #require(documents.count == 1, "\(example): expected one document, found \(documents.count)")
        let root = try #require(documents[0].root, "\(example): \(documents[0].problems)")
        return DocumentKind.recognise(root)
    }

    @Test("every folder holds valid and invalid examples of a known kind")
    func inventory() throws {
        let valid = try Self.examples("valid")
        let invalid = try Self.examples("invalid")
        #expect(Set(valid.map(\.folder)) == Set(Self.kinds.keys))
        #expect(Set(invalid.map(\.folder)) == Set(Self.kinds.keys))
        #expect(Set(invalid.map(\.relativePath)) == Set(Self.offendingPaths.keys))
    }

    @Test("every valid example is recognised and read with no problem")
    func validExamples() throws {
        let examples = try Self.examples("valid")
        #expect(examples.count >= 9)
        for example in examples {
            let kind = try Self.recognise(example)
            #expect(try kind.get() == Self.kinds[example.folder], "\(example)")
            switch try Self.decode(example) {
            case .success(let document):
                #expect(type(of: document).documentKind == Self.kinds[example.folder], "\(example)")
            case .failure(let error):
                Issue.record("\(example) was refused:\n\(error)")
            }
        }
    }

    @Test("every invalid example is refused at the offending field, with its line and column")
    func invalidExamples() throws {
        for example in try Self.examples("invalid") {
            let path = try #require(Self.offendingPaths[example.relativePath], "no expectation for \(example)")
            // Recognition either finds the folder's kind or refuses the document at the offending field.
            switch try Self.recognise(example) {
            case .success(let kind): #expect(kind == Self.kinds[example.folder], "\(example)")
            case .failure(let error): #expect(error.problems.map(\.path).contains(path), "\(example): \(error)")
            }
            switch try Self.decode(example) {
            case .success:
                Issue.record("\(example) was accepted; expected a problem at \(path)")
            case .failure(let error):
                let problem = error.problems.first { $0.path == path }
                #expect(problem != nil, "\(example) should be refused at \(path), got:\n\(error)")
                #expect(problem?.location != nil, "\(example): \(path) has no line:column")
            }
        }
    }

    @Test("every valid example survives YAML and JSON round trips in the shape it came in")
    func roundTrips() throws {
        for example in try Self.examples("valid") {
            switch try Self.decode(example) {
            case .success(let document): try Self.checkRoundTrips(document, example)
            case .failure(let error): Issue.record("\(example) was refused:\n\(error)")
            }
        }
    }

    static func checkRoundTrips<T: EOSDocument>(_ document: T, _ example: Example) throws {
        let yaml = try document.yamlString()
        let fromYAML = Result { () throws(DocumentError) in try T(yaml: yaml) }
        #expect(fromYAML == .success(document), "\(example) YAML round trip:\n\(yaml)")
        #expect(try T(yaml: yaml).yamlString() == yaml, "\(example): encoding is not stable")
        let json = try document.jsonData()
        #expect(try T(data: json) == document, "\(example) JSON round trip through the document reader")
        #expect(
            try JSONDecoder().decode(T.self, from: json) == document, "\(example) JSON round trip through JSONDecoder")
    }

    @Test("ApplicationDeployment keeps its shape: rc.3 and v1alpha1 read to the same model")
    func deploymentShapes() throws {
        let examples = try Self.examples("valid").filter { $0.folder == "application-deployment" }
        let byName = Dictionary(
            uniqueKeysWithValues: examples.map { ($0.relativePath.split(separator: "/").last!, $0) })
        let rc3 = try ApplicationDeployment(yaml: try #require(byName["src-DesiredState-001.yaml"]).text)
        let legacy = try ApplicationDeployment(yaml: try #require(byName["src-DesiredState-001-legacy.yaml"]).text)
        #expect(rc3.shape == .rc3)
        #expect(legacy.shape == .v1alpha1)
        #expect(rc3.id == legacy.id)
        #expect(rc3.applicationId == legacy.applicationId)
        #expect(rc3.deviceId == "edge-01")
        #expect(legacy.deviceId == nil)
        #expect(legacy.metadata.annotations.isEmpty)
        #expect(rc3.deploymentProfile == legacy.deploymentProfile)
        #expect(rc3.parameters == legacy.parameters)
        let legacyYAML = try legacy.yamlString()
        #expect(legacyYAML.contains("apiVersion: application.margo.org/v1alpha1"))
        #expect(legacyYAML.contains("annotations:\n    applicationId: com-northstartida-digitron-orchestrator\n"))
        #expect(!legacyYAML.contains("\nid:"))
        let rc3YAML = try rc3.yamlString()
        #expect(rc3YAML.hasPrefix("id: a3e2f5dc-912e-494f-8395-52cf3769bc06\n"))
        #expect(!rc3YAML.contains("apiVersion"))
    }
}
