/// Why a ``CentralClient`` call failed: the server was not reached, or it answered with a problem.
public struct CentralClientError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status the server answered, if it answered.
    public let status: Int?
    /// The server's `application/problem+json` answer, when it sent one.
    public let problem: ProblemDetails?
    /// Which request failed and how.
    public let message: String

    /// An error about a request that got `status` and `problem`, if it got an answer.
    public init(status: Int? = nil, problem: ProblemDetails? = nil, message: String) {
        self.status = status
        self.problem = problem
        self.message = message
    }

    /// The whole story: the request, the server's title and detail, and each validation problem on its own line.
    public var description: String {
        guard let problem else { return message }
        var lines = ["\(message) \(problem.title): \(problem.detail)"]
        for item in problem.problems ?? [] { lines.append("  \(item.description)") }
        return lines.joined(separator: "\n")
    }
}
