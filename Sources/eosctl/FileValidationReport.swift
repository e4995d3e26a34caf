import EOSKit
import Foundation

/// What `eosctl validate` found in one source.
struct FileValidationReport: Encodable {
    /// The source's name.
    let file: String
    /// Why the source could not be read, if it could not.
    let readError: String?
    /// Each document found.
    let documents: [DocumentReport]

    /// One document's verdict.
    struct DocumentReport: Encodable {
        let index: Int
        let kind: String?
        let name: String?
        let valid: Bool
        let problems: [ValidationProblem]
    }

    var isValid: Bool { readError == nil && !documents.isEmpty && documents.allSatisfy(\.valid) }

    /// Reads and checks every document of a source.
    static func check(_ source: DocumentSource) -> FileValidationReport {
        switch source.contents {
        case .failure(let error):
            let reason =
                (error as? CocoaError)?.code == .fileReadNoSuchFile ? "no such file" : error.localizedDescription
            return FileValidationReport(file: source.name, readError: reason, documents: [])
        case .success(let data):
            let documents = DocumentLoader.load(data).map { loaded in
                DocumentReport(
                    index: loaded.index, kind: loaded.kind?.name, name: loaded.name, valid: loaded.isValid,
                    problems: loaded.problems)
            }
            return FileValidationReport(file: source.name, readError: nil, documents: documents)
        }
    }

    /// `valid: KIND NAME` per valid document, `FILE:LINE:COL: PATH: MESSAGE` per problem.
    var text: String {
        if let readError { return "\(file): cannot read: \(readError)\n" }
        if documents.isEmpty { return "\(file): no documents found\n" }
        var lines = ""
        for document in documents {
            if document.valid {
                lines += "valid: \(document.kind ?? "document") \(document.name ?? "")\n"
                continue
            }
            for problem in document.problems { lines += problem.described(in: file) + "\n" }
        }
        return lines
    }

    /// The reports as a JSON array, for scripts.
    static func json(_ reports: [FileValidationReport]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(reports), as: UTF8.self) + "\n"
    }
}
