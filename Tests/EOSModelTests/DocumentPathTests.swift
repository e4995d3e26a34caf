import Foundation
import Testing

@testable import EOSModel

@Suite("DocumentPath")
struct DocumentPathTests {
    @Test func printsKeysWithDotsAndIndexesInBrackets() {
        let path: DocumentPath = ["spec", "workloads", 1, "container", "image"]
        #expect(path.description == "spec.workloads[1].container.image")
        #expect(DocumentPath.root.description == "(document)")
        #expect(DocumentPath([.index(0), .key("name")]).description == "[0].name")
        #expect(DocumentPath(["steps", 0, 1]).description == "steps[0][1]")
        #expect(DocumentPath(["env", "LOG_LEVEL"]).description == "env.LOG_LEVEL")
        #expect(DocumentPath(["env", "LOG-LEVEL"]).description == "env.LOG-LEVEL")
    }

    @Test func quotesKeysThatAreNotPlain() {
        #expect(DocumentPath(["metadata", "labels", "app.io/tier"]).description == #"metadata.labels["app.io/tier"]"#)
        #expect(DocumentPath(["labels", "a b"]).description == #"labels["a b"]"#)
        #expect(DocumentPath(["labels", ""]).description == #"labels[""]"#)
        #expect(DocumentPath([.key("x.y"), .key("z")]).description == #"["x.y"].z"#)
    }

    @Test(arguments: [
        DocumentPath(["spec", "workloads", 1, "container", "image"]),
        DocumentPath(["metadata", "labels", "app.kubernetes.io/name"]),
        DocumentPath(["spec", "target", "nodes", "matchExpressions", 0, "values", 2]),
        DocumentPath([.index(3)]),
        DocumentPath([.index(0), .key("a")]),
        DocumentPath(["a", 0, 1, "b"]),
        DocumentPath(["labels", ""]),
        DocumentPath(["labels", "a b"]),
        DocumentPath(["x.y", "z"]),
        DocumentPath(["env", "2FA_SECRET"]),
        DocumentPath(["weird", "a]b"]),
        DocumentPath(["0"]),
        DocumentPath(["spec", "workloads", 12345]),
    ])
    func parsingWhatItPrintsGivesItBack(path: DocumentPath) {
        #expect(DocumentPath(parsing: path.description) == path)
    }

    @Test(arguments: ["a..b", "a[", "a[x]", "a[1", "a[\"b]", "a[\"b\"", "a.[0]", "a.", "["])
    func refusesMalformedText(text: String) {
        #expect(DocumentPath(parsing: text) == nil)
    }

    @Test func parsesTheEmptyTextAsTheRoot() {
        #expect(DocumentPath(parsing: "") == .root)
    }

    @Test func appendsAndNests() {
        let workloads: DocumentPath = ["spec", "workloads"]
        let image = workloads.appending(0).appending("container").appending(["image"])
        #expect(image == ["spec", "workloads", 0, "container", "image"])
        #expect(image.isWithin(workloads))
        #expect(image.isWithin(image))
        #expect(image.isWithin(.root))
        #expect(!workloads.isWithin(image))
        #expect(!DocumentPath(["spec", "workloadsX"]).isWithin(workloads))
    }

    @Test func ordersByPrintedForm() {
        let paths: [DocumentPath] = [
            ["spec", "rollout"], ["metadata", "name"], ["apiVersion"], ["spec", "placement"],
        ]
        #expect(paths.sorted().map(\.description) == ["apiVersion", "metadata.name", "spec.placement", "spec.rollout"])
    }

    @Test func problemsEncodeThePathInItsPrintedForm() throws {
        let problem = ValidationProblem(
            path: ["metadata", "labels", "app.io/tier"], message: "label value \"x y\" is invalid",
            location: SourceLocation(line: 6, column: 12))
        #expect(problem.description == #"metadata.labels["app.io/tier"]: label value "x y" is invalid (6:12)"#)
        let data = try JSONEncoder().encode(problem)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["path"] as? String == #"metadata.labels["app.io/tier"]"#)
        #expect(object["line"] as? Int == 6)
        #expect(try JSONDecoder().decode(ValidationProblem.self, from: data) == problem)
        let atRoot = ValidationProblem(path: .root, message: "no document found")
        #expect(try JSONDecoder().decode(ValidationProblem.self, from: JSONEncoder().encode(atRoot)) == atRoot)
    }
}
