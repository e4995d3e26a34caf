import EOSKit
import Foundation
import Testing
import Yams

/// The API contracts kept in `Docs/` are the ones the central serves. After a change to the GraphQL schema, run
/// `EOS_WRITE_DOCS=1 swift test --filter CentralDocumentsTests` to rewrite `Docs/graphql.schema.graphql`; after
/// editing `Docs/openapi.yaml`, run `scripts/embed-openapi.sh`.
@Suite("API documents in Docs/")
struct CentralDocumentsTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Docs")
        .standardized

    @Test("Docs/openapi.yaml is the document GET /openapi.yaml serves")
    func openAPIServedIsKept() throws {
        let kept = try String(contentsOf: Self.docs.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        #expect(kept == CentralOpenAPI.document, "run scripts/embed-openapi.sh after editing Docs/openapi.yaml")
    }

    @Test("the OpenAPI document describes every route of DESIGN §6 and resolves every reference")
    func openAPICoversTheRoutes() throws {
        let document = try #require(try Yams.load(yaml: CentralOpenAPI.document) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let operations = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
        let routes: Set<String> = [
            "POST /deploy/fleet", "GET /status", "GET /status/{name}", "GET /sites", "GET /sites/{id}", "GET /nodes",
            "GET /nodes/{id}", "GET /sites/{id}/metrics", "GET /nodes/{id}/metrics", "GET /deployments",
            "GET /deployments/{name}", "DELETE /deployments/{name}",
            "POST /deployments/{name}/rollback", "POST /deployments/{name}/pause", "POST /deployments/{name}/resume",
            "POST /graphql", "GET /openapi.yaml", "GET /healthz", "GET /readyz", "GET /metrics",
            "GET /deployments/{name}/audit", "GET /me", "GET /", "GET /portal/config.json", "GET /portal/{path}",
        ]
        #expect(operations == routes)
        // Every $ref names something the document defines.
        let references = CentralOpenAPI.document.matches(of: /\$ref: "#\/components\/(\w+)\/(\w+)"/)
        let components = try #require(document["components"] as? [String: [String: Any]])
        #expect(!references.isEmpty)
        for reference in references {
            #expect(
                components[String(reference.output.1)]?[String(reference.output.2)] != nil,
                "\(reference.output.0) is defined")
        }
    }

    @Test("Docs/graphql.schema.graphql is the schema POST /graphql answers")
    func graphQLSchemaIsKept() throws {
        let file = Self.docs.appendingPathComponent("graphql.schema.graphql")
        if ProcessInfo.processInfo.environment["EOS_WRITE_DOCS"] == "1" {
            try CentralGraphQL.schemaLanguage.write(to: file, atomically: true, encoding: .utf8)
        }
        let kept = try String(contentsOf: file, encoding: .utf8)
        #expect(
            kept == CentralGraphQL.schemaLanguage,
            "run EOS_WRITE_DOCS=1 swift test --filter CentralDocumentsTests to rewrite the kept schema")
        for field in [
            "sites(", "nodes(", "deployments(", "status(name: String!)", "deploy(", "rollback(name: String!)",
        ] {
            #expect(kept.contains(field))
        }
    }
}
