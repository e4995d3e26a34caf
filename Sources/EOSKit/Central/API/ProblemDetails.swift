public import EOSModel
internal import Foundation
public import Hummingbird

/// An error as the REST API answers it: `application/problem+json` (RFC 9457) with a precise `detail`, never a
/// stack trace.
public struct ProblemDetails: Error, Sendable, Hashable, Codable {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    public var type: String
    /// The HTTP status's reason phrase.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What exactly went wrong, for the person who sent the request.
    public var detail: String
    /// Validation problems of a posted document, each at its line and column, when there are any.
    public var problems: [ValidationProblem]?

    /// A problem with `status` and `detail`.
    public init(_ status: HTTPResponse.Status, _ detail: String, problems: [ValidationProblem]? = nil) {
        type = "about:blank"
        title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.problems = problems
    }

    /// The response carrying this problem.
    public func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(self)) ?? Data("{\"status\":\(status)}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
