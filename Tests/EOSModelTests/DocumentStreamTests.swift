import Testing

@testable import EOSModel

@Suite("Large streams are processed in parallel with the same results as one pass")
struct DocumentStreamTests {
    @Test("the stream is cut only before document start markers")
    func cutsAtMarkers() {
        let text = "a: 1\n---\nb: 2\n--- # third\nc: |\n  ---x\n---x: 4\n---\n"
        let pieces = DocumentStream.split(text)
        #expect(pieces.map(\.firstLine) == [1, 2, 4, 8])
        #expect(
            pieces.map { String(text[$0.range]) } == [
                "a: 1\n", "---\nb: 2\n", "--- # third\nc: |\n  ---x\n---x: 4\n", "---\n",
            ])
    }

    @Test("a stream with directives is not cut")
    func directivesKeepOnePass() {
        #expect(DocumentStream.split("%YAML 1.1\n---\na: 1\n---\nb: 2\n").isEmpty)
    }

    static func deployment(_ index: Int) -> String {
        switch index % 7 {
        case 3:
            return "apiVersion: eos/v1\nkind: FleetDeployment\nmetadata: {name: Bad_\(index)}\nspec:\n  workloads:\n"
                + "    - {name: w, container: {image: \"Nope:\"}}\n"
        case 5:
            return "apiVersion: eos/v1\nkind: FleetDeployment\nmetadata:\n  name: dup-\(index)\n  name: again\n"
                + "spec: {workloads: [{name: w, process: {command: [/bin/true]}}]}\n"
        default:
            let workloads = (0..<20).map { "    - name: w\($0)\n      process: {command: [/bin/sleep, \"\($0)\"]}\n" }
            return "apiVersion: eos/v1\nkind: FleetDeployment\nmetadata: {name: fleet-\(index)}\nspec:\n  workloads:\n"
                + workloads.joined()
        }
    }

    /// What a transform sees of one document, as text, so results compare exactly.
    @Sendable static func summary(_ document: ParsedDocument) -> String {
        switch DocumentDecoding.decode(FleetDeployment.self, from: document) {
        case .success(let deployment): return "ok \(deployment.metadata.name)"
        case .failure(let error): return error.problems.map(\.description).joined(separator: " | ")
        }
    }

    @Test("parallel and one-pass processing agree, locations included, up to the first syntax error")
    func parallelMatchesOnePass() throws {
        var text = (0..<300).map { "---\n" + Self.deployment($0) }.joined()
        text += "---\napiVersion: eos/v1\nkind: [unclosed\n---\n" + Self.deployment(1)
        #expect(text.utf8.count > DocumentStream.parallelThreshold)
        #expect(DocumentStream.split(text).count > 300)

        let parallel = DocumentStream.map(text, Self.summary)
        var onePass: [String] = []
        ParsedDocument.forEach(in: text) { onePass.append(Self.summary($0)) }

        #expect(parallel.count == 301)
        #expect(parallel == onePass)
        #expect(parallel[3].contains("metadata.name: \"Bad_3\" is not a DNS-1123 label"))
        #expect(parallel[5].contains("metadata.name: duplicate key \"name\""))
        let syntax = try #require(parallel.last)
        #expect(syntax.contains("invalid YAML"), "\(syntax)")
    }

    @Test("problems in a large stream point at lines of the whole stream")
    func locationsAreStreamWide() throws {
        let text = (0..<300).map { "---\n" + Self.deployment($0) }.joined()
        let error = try #require(throws: DocumentError.self) { try FleetDeployment.decodeAll(yaml: text) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for problem in error.problems {
            let location = try #require(problem.location)
            let line = lines[location.line - 1]
            if problem.message.contains("DNS-1123") { #expect(line.contains("metadata: {name: Bad_")) }
            if problem.message.contains("duplicate key") { #expect(line.hasPrefix("  name: again")) }
        }
        #expect(error.problems.count == 2 * 43 + 43)
    }
}
