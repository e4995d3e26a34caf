public import Foundation
internal import Yams

/// A document EOS reads from YAML or JSON: a `FleetDeployment` or one of the Margo documents.
///
/// Conforming types are plain `Codable` values. Reading one from text through this protocol adds what plain
/// decoding cannot: every problem at once, each with its path and line:column, unknown fields with a suggested
/// correction, and the document's own rules (`validationProblems()`).
public protocol EOSDocument: Codable, Sendable, Hashable {
    /// The kind this type reads.
    static var documentKind: DocumentKind { get }

    /// The document's name for messages such as `valid: FleetDeployment vision-pipeline`.
    var documentName: String { get }

    /// The rules beyond shape: names, references, ranges. Paths are from the document's root.
    ///
    /// Also useful on values built in code: an empty result means the value is valid.
    func validationProblems() -> [ValidationProblem]
}

extension EOSDocument {
    /// Reads exactly one document from YAML or JSON text.
    ///
    /// - Throws: `DocumentError` with every problem found, each with its path and line:column.
    public init(yaml text: String) throws(DocumentError) {
        let composer = YAMLComposer(Substring(text))
        guard let document = composer.next() else {
            throw DocumentError(problems: [ValidationProblem(path: .root, message: "no document found")])
        }
        // One more document is read, to say there is one; the rest of the stream is not.
        if document.root != nil, let extra = composer.next() {
            throw DocumentError(
                problems: [
                    ValidationProblem(
                        path: .root, message: "expected one document, found more; read streams with decodeAll(yaml:)",
                        location: extra.location)
                ])
        }
        self = try DocumentDecoding.decode(Self.self, from: document).get()
    }

    /// Reads exactly one document from UTF-8 YAML or JSON data.
    public init(data: Data) throws(DocumentError) {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DocumentError(
                code: .syntax, problems: [ValidationProblem(path: .root, message: "input is not valid UTF-8")])
        }
        try self.init(yaml: text)
    }

    /// Reads every document of a multi-document YAML stream; all must be of this kind.
    ///
    /// - Throws: `DocumentError` with the problems of every document that failed, each problem's location
    ///   pointing into the whole stream.
    public static func decodeAll(yaml text: String) throws(DocumentError) -> [Self] {
        var values: [Self] = []
        var problems: [ValidationProblem] = []
        var code = DocumentError.Code.invalid
        for result in DocumentStream.map(text, { DocumentDecoding.decode(Self.self, from: $0) }) {
            switch result {
            case .success(let value): values.append(value)
            case .failure(let error):
                problems += error.problems
                if error.code == .syntax { code = .syntax }
            }
        }
        if !problems.isEmpty { throw DocumentError(code: code, problems: problems) }
        return values
    }

    /// Checks the document's rules, throwing every problem found.
    public func validate() throws(DocumentError) {
        let problems = validationProblems()
        if !problems.isEmpty { throw DocumentError(problems: problems) }
    }

    /// The document as YAML: fields in the model's order, maps sorted by key, so the text is stable.
    public func yamlString() throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = false
        encoder.options.indent = 2
        return try encoder.encode(self)
    }

    /// The document as JSON, keys sorted.
    public func jsonData(prettyPrinted: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        return try encoder.encode(self)
    }
}

/// Decodes parsed documents into `EOSDocument` values with every problem located.
enum DocumentDecoding {
    static func decode<T: EOSDocument>(_ type: T.Type, from document: ParsedDocument) -> Result<T, DocumentError> {
        guard let root = document.root else {
            return .failure(DocumentError(code: .syntax, problems: document.problems))
        }
        return decode(type, root: root, composeProblems: document.problems)
    }

    /// Decodes a composed tree; `composeProblems` (repeated keys and the like) are reported with the rest.
    static func decode<T: EOSDocument>(
        _ type: T.Type, root: DocumentNode, composeProblems: [ValidationProblem] = []
    ) -> Result<T, DocumentError> {
        let session = DecodingSession(root: root)
        for problem in composeProblems {
            session.record(problem.message, at: problem.path, location: problem.location)
            session.noteDoubtfulValue(at: problem.path)
        }
        let value = try? session.decodeRoot(T.self, root: root)
        if let value {
            for problem in value.validationProblems() where !session.hidesRuleCheck(at: problem.path) {
                let location =
                    problem.location
                    ?? (problem.isAboutKey
                        ? SourceLocator.locateKey(problem.path, in: root) : SourceLocator.locate(problem.path, in: root))
                session.record(problem.message, at: problem.path, location: location)
            }
        }
        guard let value, session.problems.isEmpty else {
            return .failure(DocumentError(problems: ordered(session.problems)))
        }
        return .success(value)
    }

    /// Problems in reading order: by line and column; problems without a location last; ties in the order found.
    static func ordered(_ problems: [ValidationProblem]) -> [ValidationProblem] {
        problems.enumerated().sorted { lhs, rhs in
            let l = lhs.element.location.map { ($0.line, $0.column) } ?? (Int.max, Int.max)
            let r = rhs.element.location.map { ($0.line, $0.column) } ?? (Int.max, Int.max)
            return (l.0, l.1, lhs.offset) < (r.0, r.1, rhs.offset)
        }.map(\.element)
    }
}
