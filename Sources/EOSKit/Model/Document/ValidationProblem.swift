/// One thing wrong with a document: where it is and what is wrong.
///
/// A problem prints as `spec.workloads[1].container.image: required (12:9)`.
public struct ValidationProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Where in the document the problem is.
    public var path: DocumentPath
    /// What is wrong, in words an operator can act on.
    public var message: String
    /// The line and column in the source text, when the document came from text.
    public var location: SourceLocation?
    /// Whether the problem is with the key at the end of `path` (a label key, a variable name) rather than its
    /// value, which decides where it is located in the source.
    var isAboutKey = false

    /// Creates a problem.
    public init(path: DocumentPath, message: String, location: SourceLocation? = nil) {
        self.path = path
        self.message = message
        self.location = location
    }

    /// A problem with the key at the end of `path`, such as an invalid label key.
    static func aboutKey(_ path: DocumentPath, _ message: String) -> ValidationProblem {
        var problem = ValidationProblem(path: path, message: message)
        problem.isAboutKey = true
        return problem
    }

    /// `FILE:LINE:COLUMN: PATH: MESSAGE`, the form compilers and editors jump to.
    public func described(in file: String) -> String {
        let position = location.map { "\($0.line):\($0.column):" } ?? ""
        return "\(file):\(position) \(path): \(message)"
    }

    /// `PATH: MESSAGE (LINE:COLUMN)`.
    public var description: String {
        if let location { return "\(path): \(message) (\(location))" }
        return "\(path): \(message)"
    }

    enum CodingKeys: String, CodingKey { case path, message, line, column }

    /// Decodes `{path, message, line, column}` with the path in its printed form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let pathText = try container.decode(String.self, forKey: .path)
        path = pathText == DocumentPath.root.description ? .root : DocumentPath(parsing: pathText) ?? .root
        message = try container.decode(String.self, forKey: .message)
        if let line = try container.decodeIfPresent(Int.self, forKey: .line),
            let column = try container.decodeIfPresent(Int.self, forKey: .column)
        {
            location = SourceLocation(line: line, column: column)
        }
    }

    /// Encodes `{path, message, line, column}`, the shape APIs return problems in.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path.description, forKey: .path)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(location?.line, forKey: .line)
        try container.encodeIfPresent(location?.column, forKey: .column)
    }
}
