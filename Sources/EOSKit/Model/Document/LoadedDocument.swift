/// One document read from a stream by ``DocumentLoader``: its kind and name when known, and either the decoded
/// value or every problem found in it.
public struct LoadedDocument: Sendable {
    /// Position in the stream, from 0.
    public var index: Int
    /// Where the document starts in the stream.
    public var location: SourceLocation
    /// The recognised kind; `nil` when the document names no kind EOS knows, or does not parse.
    public var kind: DocumentKind?
    /// `metadata.name`, an id, or whatever names a document of its kind; `nil` when it has none or did not parse.
    public var name: String?
    /// The decoded document, or why it was refused.
    public var result: Result<AnyDocument, DocumentError>

    /// Whether the document was read without problems.
    public var isValid: Bool {
        if case .success = result { return true }
        return false
    }

    /// The problems found, empty for a valid document.
    public var problems: [ValidationProblem] {
        if case .failure(let error) = result { return error.problems }
        return []
    }
}
