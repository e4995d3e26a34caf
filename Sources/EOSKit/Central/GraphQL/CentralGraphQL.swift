public import EOSSecurity
public import Foundation
internal import GraphQL
internal import Graphiti
internal import Hummingbird

/// The central's GraphQL API (`POST /graphql`): the same fleet, status and rollout control as the REST API, through
/// one schema, with every site's nodes and every node's deployments nested and filterable.
///
/// ```graphql
/// { status(name: "hello") { phase nodes { targeted installed } sites { id installed } } }
/// mutation { pause(name: "hello") { generation } }
/// ```
///
/// Requests are GraphQL over HTTP: a JSON body `{"query", "variables", "operationName"}`. The answer is
/// `{"data", "errors"}`; an error's message says what was wrong in EOS's own words (a document's problems at their
/// lines, an unknown deployment's name). ``schemaLanguage`` prints the schema; `Docs/graphql.schema.graphql` holds
/// it.
public struct CentralGraphQL: Sendable {
    private static let schema: Schema<GraphQLResolver, GraphQLContext> = {
        do {
            return try makeSchema()
        } catch {
            preconditionFailure("the central's GraphQL schema does not build: \(error)")
        }
    }()

    private let central: CentralOrchestrator

    /// A GraphQL API over `central`.
    public init(central: CentralOrchestrator) {
        self.central = central
    }

    /// The schema in the GraphQL schema language.
    public static var schemaLanguage: String { printSchema(schema: schema.schema) + "\n" }

    /// Answers the GraphQL request in `body` (JSON) as JSON for `user`: each field and mutation needs its permission
    /// (a refusal is an error with `extensions.code` `FORBIDDEN` naming the role from `roleNames` that grants it), and
    /// the audit log names the user for a mutation. A body that is not a GraphQL request is a 400 problem; errors in
    /// executing it are in the answer's `errors`.
    public func respond(
        to body: Data, user: AuthenticatedUser, roleNames: RoleNames = RoleNames()
    ) async throws(ProblemDetails) -> Data {
        let request: GraphQLRequest
        do {
            request = try JSONDecoder().decode(GraphQLRequest.self, from: body)
        } catch {
            throw ProblemDetails(
                .badRequest,
                "the body is not a GraphQL request: post JSON such as {\"query\": \"{ sites { id } }\"} (\(error))")
        }
        let result: GraphQLResult
        do {
            result = try await Self.schema.execute(
                request: request.query, resolver: GraphQLResolver(),
                context: GraphQLContext(central: central, user: user, roleNames: roleNames),
                variables: request.variables,
                operationName: request.operationName)
        } catch let error as GraphQLError {
            result = GraphQLResult(errors: [error])
        } catch {
            result = GraphQLResult(errors: [GraphQLError(message: "\(error)")])
        }
        do {
            return try GraphQLJSONEncoder().encode(result)
        } catch {
            throw ProblemDetails(.internalServerError, "the answer could not be encoded: \(error)")
        }
    }
}
