public import Foundation

/// Reads streams of documents of any kind EOS knows, as `eosctl validate` does.
///
/// Each document of a multi-document YAML stream (or a JSON text) is recognised by its `kind`, or by its shape
/// for Margo payloads that carry none, then decoded and checked. A document that fails does not stop the others,
/// except for a syntax error, after which the rest of the stream cannot be read.
public enum DocumentLoader {
    /// Reads every document in `text`.
    public static func load(_ text: String) -> [LoadedDocument] {
        DocumentStream.map(text, load).enumerated().map { index, document in
            var numbered = document
            numbered.index = index
            return numbered
        }
    }

    /// Reads every document in UTF-8 `data`.
    public static func load(_ data: Data) -> [LoadedDocument] {
        guard let text = String(data: data, encoding: .utf8) else {
            let problem = ValidationProblem(path: .root, message: "input is not valid UTF-8 text")
            return [
                LoadedDocument(
                    index: 0, location: SourceLocation(line: 1, column: 1), kind: nil, name: nil,
                    result: .failure(DocumentError(code: .syntax, problems: [problem])))
            ]
        }
        return load(text)
    }

    private static func load(_ document: ParsedDocument) -> LoadedDocument {
        guard let root = document.root else {
            return LoadedDocument(
                index: document.index, location: document.location, kind: nil, name: nil,
                result: .failure(DocumentError(code: .syntax, problems: document.problems)))
        }
        let kind: DocumentKind
        switch DocumentKind.recognise(root) {
        case .success(let recognised): kind = recognised
        case .failure(let error):
            return LoadedDocument(
                index: document.index, location: document.location, kind: nil, name: nil, result: .failure(error))
        }
        let result =
            AnyDocument.decode(kind, root: root, composeProblems: document.problems)
            ?? .failure(
                DocumentError(
                    code: .unknownKind,
                    problems: [ValidationProblem(path: ["kind"], message: "EOS does not read \(kind) documents yet")]))
        let name: String? =
            switch result {
            case .success(let value): value.name
            case .failure: bestEffortName(root)
            }
        return LoadedDocument(index: document.index, location: document.location, kind: kind, name: name, result: result)
    }

    /// `metadata.name`, else a top-level `id`, for naming a document that failed.
    private static func bestEffortName(_ root: DocumentNode) -> String? {
        if let name = SourceLocator.child(of: root, at: .key("metadata")).flatMap({
            SourceLocator.child(of: $0, at: .key("name"))
        })?.scalarText, !name.isEmpty {
            return name
        }
        return SourceLocator.child(of: root, at: .key("id"))?.scalarText
    }
}
