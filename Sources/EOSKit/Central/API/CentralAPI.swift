internal import EOSModel
public import EOSSecurity
internal import Foundation
public import Hummingbird
internal import Instrumentation
internal import NIOCore
internal import ServiceContextModule
internal import Tracing

/// The central's REST API (DESIGN §6) over a ``CentralOrchestrator``, on Hummingbird.
///
/// | method and path | does |
/// |---|---|
/// | `POST /deploy/fleet` | a FleetDeployment in YAML or JSON; 202 `{name, generation, statusURL}` |
/// | `POST /deploy/fleet?dryRun=true` | the same, only checked: 200 ``DeployPreview``, nothing recorded |
/// | `GET /status`, `GET /status/{name}` | rollout status: totals, per site, per node with `?detail=nodes` |
/// | `GET /sites[/{id}]`, `GET /nodes[/{id}]` | the registry with liveness |
/// | `GET /sites/{id}/metrics`, `GET /nodes/{id}/metrics` | telemetry: a site's rollups, a node's series; `?name=` (repeatable) and `?since=RFC3339` narrow it |
/// | `GET /deployments[/{name}]`, `DELETE /deployments/{name}` | specs and generations; removal |
/// | `GET /deployments/{name}/audit` | the deployment's audit log, oldest first, paged by sequence |
/// | `POST /deployments/{name}/rollback`, `/pause`, `/resume` | rollout control |
/// | `POST /graphql` | the same through ``CentralGraphQL`` |
/// | `GET /openapi.yaml` | this API's contract, ``CentralOpenAPI`` |
/// | `GET /healthz`, `GET /readyz`, `GET /metrics` | probes and Prometheus (``CentralMetrics``, then the fleet's telemetry) |
/// | `GET /me` | the caller: name, roles and permissions (``CurrentUser``) |
/// | `GET /`, `GET /portal/...` | the web portal (``PortalAssets``), and how it signs in (``PortalSignIn``) |
///
/// Lists answer `{"items": [...], "next": CURSOR}` and take `?limit=N&after=CURSOR`. Errors are
/// `application/problem+json`.
///
/// Every route but the probes, `/metrics`, `/openapi.yaml` and the portal's files needs `Authorization: Bearer TOKEN`,
/// which the ``UserAuthenticator`` turns into a user (401 when it cannot), and the permission the route needs (403
/// naming the role that grants it when the user's roles do not): reads need ``Permission/read``, `POST /deploy/fleet`
/// ``Permission/deploy``, `DELETE` ``Permission/remove``, and rollback, pause and resume their own. The audit log
/// names the user.
public struct CentralAPI: Sendable {
    /// The largest request body taken: 1 MiB.
    public static let maximumBodySize = 1 << 20
    /// The most items a list answers at once.
    public static let maximumPageSize = 500

    /// The paths served without a token: the probes, the metrics, the API's contract and the portal's page.
    public static let openPaths: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.yaml", "/"]
    /// The prefixes of paths served without a token: the portal's files.
    public static let openPrefixes = [CentralPortal.prefix]
    /// The most audit entries `GET /deployments/{name}/audit` answers at once.
    public static let maximumAuditPage = 1000

    private let central: CentralOrchestrator
    private let authenticator: any UserAuthenticator
    private let portal: CentralPortal

    /// An API over `central` whose users `authenticator` finds; its portal signs users in as `signIn` says and is
    /// made of `portal` (the files shipped with EOSCentral by default).
    public init(
        central: CentralOrchestrator, authenticator: any UserAuthenticator, signIn: PortalSignIn = .token,
        portal: PortalAssets? = PortalAssets.shipped
    ) {
        self.central = central
        self.authenticator = authenticator
        self.portal = CentralPortal(assets: portal, signIn: signIn)
    }

    /// An API over `central` open to the holder of `token`, as an administrator (what `eosd dev` serves).
    public init(central: CentralOrchestrator, token: String) {
        self.init(central: central, authenticator: StaticTokenAuthenticator(token: token))
    }

    /// The routes, behind the metrics, problem and authentication middleware.
    public func router() -> Router<CentralRequestContext> {
        let router = Router(context: CentralRequestContext.self)
        let central = self.central
        let roleNames = authenticator.roleNames
        router.add(middleware: RequestMetricsMiddleware(metrics: central.metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(
            middleware: AuthenticationMiddleware(
                authenticator: authenticator, exempt: Self.openPaths, exemptPrefixes: Self.openPrefixes))
        let graphQL = CentralGraphQL(central: central)
        /// The user of a request, when they may do `permission`; otherwise a 403 naming the role needed.
        @Sendable func user(_ context: CentralRequestContext, _ permission: Permission) throws -> AuthenticatedUser {
            guard let user = context.user else {
                throw ProblemDetails(.unauthorized, "this request needs 'Authorization: Bearer TOKEN'")
            }
            do {
                try user.require(permission, roleNames: roleNames)
            } catch {
                throw ProblemDetails(.forbidden, error.message)
            }
            return user
        }

        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ -> Response in
            _ = try await central.registry.deployments(after: nil, limit: 1, includeRemoved: false)
            guard await central.listeningEndpoint != nil else {
                return ProblemDetails(.serviceUnavailable, "the central's gRPC server is not listening yet").response()
            }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ready\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            // The central's own metrics are read first, so a failure still answers with an error; the fleet's
            // telemetry (11 MB at 10,000 nodes) is then written as it is sent.
            let own = try await central.metrics.ownExposition(of: central)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: own.text))
                    try await central.telemetry.writePrometheusExposition(excluding: own.families) { piece in
                        try await writer.write(ByteBuffer(bytes: piece))
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/openapi.yaml") { _, _ -> Response in
            Self.text(CentralOpenAPI.document, type: "application/yaml")
        }
        portal.add(to: router)
        router.get("/me") { _, context -> Response in
            try Self.json(CurrentUser(try user(context, .read)))
        }

        router.post("/graphql") { request, context -> Response in
            let user = try user(context, .read)
            let body = try await Self.body(of: request)
            let answer = try await graphQL.respond(to: Data(buffer: body), user: user, roleNames: roleNames)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
        }

        router.post("/deploy/fleet") { request, context -> Response in
            let user = try user(context, .deploy)
            let body = try await Self.body(of: request)
            let deployment = try Self.fleetDeployment(from: body)
            if try Self.isDryRun(request) {
                return try Self.json(try await Self.preview(of: deployment, against: central))
            }
            // The deployment's trace starts here, or continues the caller's when the request carries a traceparent.
            var traceContext = ServiceContext.current ?? .topLevel
            InstrumentationSystem.instrument.extract(request.headers, into: &traceContext, using: HeaderExtractor())
            let record = try await withSpan("POST /deploy/fleet", context: traceContext, ofKind: .server) { span in
                span.attributes["eos.tier"] = "central"
                span.attributes["eos.deployment"] = deployment.metadata.name
                span.attributes["enduser.id"] = user.name
                let record = try await central.deploy(deployment, by: user.name)
                span.attributes["eos.generation"] = Int(record.generation)
                return record
            }
            return try Self.json(DeployAccepted(name: record.name, generation: record.generation), status: .accepted)
        }

        router.get("/status") { request, context -> Response in
            _ = try user(context, .read)
            let (after, limit) = try Self.paging(request)
            return try Self.json(try await central.statuses(after: after, limit: limit))
        }
        router.get("/status/:name") { request, context -> Response in
            _ = try user(context, .read)
            let name = try context.parameters.require("name")
            let detail = request.uri.queryParameters.get("detail") == "nodes"
            guard let summary = try await central.status(of: name, detail: detail) else {
                throw ProblemDetails(.notFound, "no deployment named \(name)")
            }
            return try Self.json(summary)
        }

        router.get("/sites") { request, context -> Response in
            _ = try user(context, .read)
            let (after, limit) = try Self.paging(request)
            return try Self.json(try await central.sites(after: after, limit: limit))
        }
        router.get("/sites/:id") { _, context -> Response in
            _ = try user(context, .read)
            let id = try context.parameters.require("id")
            guard let site = try await central.site(id: id) else { throw ProblemDetails(.notFound, "no site \(id)") }
            return try Self.json(site)
        }
        router.get("/sites/:id/metrics") { request, context -> Response in
            _ = try user(context, .read)
            let id = try context.parameters.require("id")
            let (names, since) = try Self.metricsQuery(request)
            guard let metrics = try await central.siteMetrics(id: id, names: names, since: since) else {
                throw ProblemDetails(.notFound, "no site \(id)")
            }
            return try Self.json(metrics)
        }
        router.get("/nodes") { request, context -> Response in
            _ = try user(context, .read)
            let (after, limit) = try Self.paging(request)
            let site = request.uri.queryParameters.get("site")
            return try Self.json(try await central.nodes(after: after, limit: limit, site: site))
        }
        router.get("/nodes/:id") { _, context -> Response in
            _ = try user(context, .read)
            let id = try context.parameters.require("id")
            guard let node = try await central.node(id: id) else { throw ProblemDetails(.notFound, "no node \(id)") }
            return try Self.json(node)
        }
        router.get("/nodes/:id/metrics") { request, context -> Response in
            _ = try user(context, .read)
            let id = try context.parameters.require("id")
            let (names, since) = try Self.metricsQuery(request)
            guard let metrics = try await central.nodeMetrics(id: id, names: names, since: since) else {
                throw ProblemDetails(.notFound, "no node \(id)")
            }
            return try Self.json(metrics)
        }

        router.get("/deployments") { request, context -> Response in
            _ = try user(context, .read)
            let (after, limit) = try Self.paging(request)
            return try Self.json(
                try await central.registry.deployments(after: after, limit: limit, includeRemoved: false))
        }
        router.get("/deployments/:name") { _, context -> Response in
            _ = try user(context, .read)
            let name = try context.parameters.require("name")
            guard let record = try await central.registry.deployment(named: name) else {
                throw ProblemDetails(.notFound, "no deployment named \(name)")
            }
            return try Self.json(record)
        }
        router.get("/deployments/:name/audit") { request, context -> Response in
            _ = try user(context, .read)
            let name = try context.parameters.require("name")
            guard try await central.registry.deployment(named: name) != nil else {
                throw ProblemDetails(.notFound, "no deployment named \(name)")
            }
            let parameters = request.uri.queryParameters
            var after: Int64 = 0
            if let text = parameters.get("after") {
                guard let value = Int64(text), value >= 0 else {
                    throw ProblemDetails(.badRequest, "after: \"\(text)\" is not an audit sequence number (0 or more)")
                }
                after = value
            }
            var limit = 100
            if let text = parameters.get("limit") {
                guard let value = Int(text), (1...Self.maximumAuditPage).contains(value) else {
                    throw ProblemDetails(
                        .badRequest, "limit: \"\(text)\" is not a number from 1 to \(Self.maximumAuditPage)")
                }
                limit = value
            }
            let entries = try await central.registry.audit(of: name, after: after, limit: limit)
            let next = entries.count == limit ? entries.last.map { String($0.sequence) } : nil
            return try Self.json(Page(items: entries, next: next))
        }
        router.delete("/deployments/:name") { _, context -> Response in
            let user = try user(context, .remove)
            let name = try context.parameters.require("name")
            let record = try await central.remove(name, by: user.name)
            return try Self.json(DeployAccepted(name: name, generation: record.generation), status: .accepted)
        }
        router.post("/deployments/:name/:action") { _, context -> Response in
            let name = try context.parameters.require("name")
            switch try context.parameters.require("action") {
            case "rollback": try await central.rollback(name, by: try user(context, .rollback).name)
            case "pause": try await central.pause(name, by: try user(context, .pause).name)
            case "resume": try await central.resume(name, by: try user(context, .resume).name)
            case let other:
                _ = try user(context, .read)
                throw ProblemDetails(.notFound, "no action \(other): use rollback, pause or resume")
            }
            let record = try await central.registry.deployment(named: name)
            return try Self.json(DeployAccepted(name: name, generation: record?.generation ?? 0), status: .accepted)
        }
        return router
    }

    /// The API served at `host:port`; `onListening` gets the port actually bound (useful with port 0).
    public func application(
        host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "eos-central"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) })
    }

    // MARK: Reading requests

    private static func body(of request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maximumBodySize)
        } catch {
            throw ProblemDetails(.contentTooLarge, "the body is larger than \(maximumBodySize) bytes")
        }
    }

    /// The one FleetDeployment in a YAML or JSON body, or a 400/422 naming every problem at its line.
    static func fleetDeployment(from body: ByteBuffer) throws -> FleetDeployment {
        let documents = DocumentLoader.load(Data(buffer: body))
        guard let document = documents.first, !(documents.count == 1 && body.readableBytes == 0) else {
            throw ProblemDetails(.badRequest, "the body holds no document: post one FleetDeployment in YAML or JSON")
        }
        guard documents.count == 1 else {
            throw ProblemDetails(
                .badRequest, "the body holds \(documents.count) documents: post one FleetDeployment at a time")
        }
        switch document.result {
        case .success(.fleetDeployment(let deployment)):
            return deployment
        case .success(let other):
            throw ProblemDetails(
                .unprocessableContent, "the document is a \(other.kind), not a FleetDeployment")
        case .failure(let error):
            throw ProblemDetails(
                error.code == .syntax ? .badRequest : .unprocessableContent,
                "the FleetDeployment is not valid: "
                    + error.problems.prefix(3).map(\.description).joined(separator: "; "),
                problems: error.problems)
        }
    }

    /// Whether `?dryRun=` asks only to validate: `true`, `1` or empty for yes, `false` or `0` for no, and a 400 naming
    /// `dryRun` for anything else.
    private static func isDryRun(_ request: Request) throws -> Bool {
        guard let text = request.uri.queryParameters.get("dryRun") else { return false }
        switch text.lowercased() {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw ProblemDetails(.badRequest, "dryRun: \"\(text)\" is not true or false")
        }
    }

    /// What posting `deployment` would record, against the registry as it is now.
    private static func preview(
        of deployment: FleetDeployment, against central: CentralOrchestrator
    ) async throws -> DeployPreview {
        let name = deployment.metadata.name
        let latest = try await central.registry.deployment(named: name)
        let unchanged =
            latest.map {
                !$0.removed && $0.spec == deployment.spec && $0.labels == deployment.metadata.labels
            } ?? false
        return DeployPreview(
            name: name, generation: unchanged ? latest!.generation : (latest?.generation ?? 0) + 1,
            changed: !unchanged, workloads: deployment.spec.workloads.map(\.name))
    }

    private static func paging(_ request: Request) throws -> (after: String?, limit: Int) {
        let parameters = request.uri.queryParameters
        var limit = 100
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...maximumPageSize).contains(value) else {
                throw ProblemDetails(.badRequest, "limit: \"\(text)\" is not a number from 1 to \(maximumPageSize)")
            }
            limit = value
        }
        return (parameters.get("after"), limit)
    }

    /// The metric names (`?name=`, repeatable) and the earliest time (`?since=`, RFC 3339) a metrics request asks
    /// for; a 400 naming a `since` that is not a time.
    private static func metricsQuery(_ request: Request) throws -> (names: Set<String>, since: Timestamp?) {
        let parameters = request.uri.queryParameters
        let names = Set(parameters.getAll("name").map { String($0) }.filter { !$0.isEmpty })
        guard let text = parameters.get("since") else { return (names, nil) }
        guard let since = Timestamp(rfc3339: text) else {
            throw ProblemDetails(.badRequest, "since: \"\(text)\" is not an RFC 3339 time (2026-11-30T10:00:00Z)")
        }
        return (names, since)
    }

    // MARK: Writing responses

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static func text(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
