/// One document of a YAML stream, parsed but not yet decoded.
struct ParsedDocument: Sendable {
    /// Position in the stream, from 0.
    let index: Int
    /// The root node; `nil` when the document did not parse.
    let root: DocumentNode?
    /// Where the document starts.
    let location: SourceLocation
    /// Problems found while composing: repeated keys, keys that are not text, and the syntax error that stopped
    /// parsing when `root` is `nil`.
    let problems: [ValidationProblem]

    /// Calls `body` with each document of a YAML (or JSON) text in turn, so only one document's tree is in
    /// memory at a time. Empty documents (only comments, or a stray `---`) are skipped. A syntax error ends the
    /// stream: its document is the last one passed.
    static func forEach(in text: String, _ body: (ParsedDocument) throws -> Void) rethrows {
        let composer = YAMLComposer(Substring(text))
        while let document = composer.next() { try body(document) }
    }

    /// Every document of a text; see ``forEach(in:_:)``.
    static func parseStream(_ text: String) -> [ParsedDocument] {
        var documents: [ParsedDocument] = []
        forEach(in: text) { documents.append($0) }
        return documents
    }
}
