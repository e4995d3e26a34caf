public import AsyncHTTPClient
public import EOSModel
public import Foundation
internal import NIOCore
internal import NIOHTTP1

/// A typed client of the central's REST API (``CentralAPI``): what `eosctl` speaks, and what a script or a
/// controller written in Swift can use in its place.
///
/// Every call answers EOS's own types and fails with a ``CentralClientError`` that carries the server's
/// `application/problem+json` answer whole, validation problems and their lines included. Lists follow the
/// `next` cursor to the end.
public struct CentralClient: Sendable {
    /// What a rollout-control call asks: `POST /deployments/{name}/{action}`.
    public enum RolloutAction: String, Sendable, CaseIterable {
        /// Return the deployment to its previous generation.
        case rollback
        /// Stop releasing new waves.
        case pause
        /// Release waves again.
        case resume
    }

    /// The API's base address, such as `http://127.0.0.1:8080`.
    public let server: URL
    private let token: String?
    private let http: HTTPClient
    private let timeout: Duration
    private let pageSize: Int

    /// The HTTP client calls go through unless another is given: shared by every ``CentralClient`` of the process,
    /// it gives up connecting after 3 seconds (retrying within them), so an unreachable server is said at once.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A client of the API at `server`, sending `token` as a bearer token when there is one; each request is given
    /// up after `timeout`, and lists are read `pageSize` items a request.
    public init(
        server: URL, token: String?, httpClient: HTTPClient = sharedHTTPClient, timeout: Duration = .seconds(30),
        pageSize: Int = CentralAPI.maximumPageSize
    ) {
        self.server = server
        self.token = token
        self.http = httpClient
        self.timeout = timeout
        self.pageSize = max(1, min(pageSize, CentralAPI.maximumPageSize))
    }

    // MARK: Deployments

    /// Posts a FleetDeployment document (YAML or JSON) as it is: the server validates it and names every problem
    /// at its line and column.
    public func deploy(document: Data) async throws(CentralClientError) -> DeployAccepted {
        try await call(.POST, "deploy/fleet", body: document, contentType: "application/yaml")
    }

    /// Posts `deployment`, encoded as JSON.
    public func deploy(_ deployment: FleetDeployment) async throws(CentralClientError) -> DeployAccepted {
        let body: Data
        do {
            body = try JSONEncoder().encode(deployment)
        } catch {
            throw CentralClientError(message: "cannot encode the deployment: \(error)")
        }
        return try await call(.POST, "deploy/fleet", body: body, contentType: "application/json")
    }

    /// Removes the deployment named `name` from every node.
    public func remove(_ name: String) async throws(CentralClientError) -> DeployAccepted {
        try await call(.DELETE, "deployments/\(try Self.segment(name))")
    }

    /// Rolls the deployment named `name` back, or pauses or resumes its rollout.
    public func control(_ name: String, _ action: RolloutAction) async throws(CentralClientError) -> DeployAccepted {
        try await call(.POST, "deployments/\(try Self.segment(name))/\(action.rawValue)")
    }

    /// Every deployment with its specs' generations.
    public func deployments() async throws(CentralClientError) -> [DeploymentRecord] {
        try await all("deployments")
    }

    /// The deployment named `name`.
    public func deployment(named name: String) async throws(CentralClientError) -> DeploymentRecord {
        try await call(.GET, "deployments/\(try Self.segment(name))")
    }

    // MARK: Status

    /// The rollout status of every deployment.
    public func statuses() async throws(CentralClientError) -> [DeploymentStatusSummary] {
        try await all("status")
    }

    /// The rollout status of the deployment named `name`; with `detail`, each node's report too.
    public func status(
        of name: String, detail: Bool = false
    ) async throws(CentralClientError) -> DeploymentStatusSummary {
        try await call(.GET, "status/\(try Self.segment(name))", query: detail ? [("detail", "nodes")] : [])
    }

    // MARK: Registry

    /// Every site with its liveness and node counts.
    public func sites() async throws(CentralClientError) -> [SiteSummary] {
        try await all("sites")
    }

    /// Every node, or the nodes of `site`, with labels, capabilities and liveness.
    public func nodes(site: String? = nil) async throws(CentralClientError) -> [NodeRecord] {
        try await all("nodes", query: site.map { [("site", $0)] } ?? [])
    }

    // MARK: Transport

    /// Every page of the list at `path`.
    private func all<Item: Sendable & Hashable & Codable>(
        _ path: String, query: [(String, String)] = []
    ) async throws(CentralClientError) -> [Item] {
        var items: [Item] = []
        var cursor: String?
        repeat {
            let page: Page<Item> = try await call(
                .GET, path, query: query + [("limit", "\(pageSize)")] + (cursor.map { [("after", $0)] } ?? []))
            items += page.items
            cursor = page.next
        } while cursor != nil
        return items
    }

    private func call<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        contentType: String? = nil
    ) async throws(CentralClientError) -> Answer {
        let url = try address(path, query: query)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let answer: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.wholeNanoseconds))
            status = Int(response.status.code)
            answer = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw CentralClientError(
                message: "\(method) \(url.absoluteString): cannot reach the server: \(Self.describe(error))")
        }
        let data = Data(buffer: answer)
        guard (200..<300).contains(status) else {
            let problem = try? JSONDecoder().decode(ProblemDetails.self, from: data)
            throw CentralClientError(
                status: status, problem: problem,
                message: problem == nil
                    ? "\(method) \(url.path): HTTP \(status): \(String(decoding: data.prefix(2048), as: UTF8.self))"
                    : "\(method) \(url.path): HTTP \(status)")
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw CentralClientError(
                status: status, message: "\(method) \(url.path): the answer is not what the API promises: \(error)")
        }
    }

    private func address(_ path: String, query: [(String, String)]) throws(CentralClientError) -> URL {
        var components = URLComponents(url: server, resolvingAgainstBaseURL: false)
        let base = components?.path ?? ""
        components?.path = (base.hasSuffix("/") ? base : base + "/") + path
        components?.queryItems = query.isEmpty ? nil : query.map { URLQueryItem(name: $0.0, value: $0.1) }
        guard let url = components?.url else {
            throw CentralClientError(message: "\(server.absoluteString) is not a usable server address")
        }
        return url
    }

    /// A name as one path segment; names are DNS labels, so anything else is refused before it is sent.
    private static func segment(_ name: String) throws(CentralClientError) -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) })
        else {
            throw CentralClientError(message: "\"\(name)\" is not a deployment name")
        }
        return name
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            return "no answer in time"
        }
        return "\(error)"
    }
}
