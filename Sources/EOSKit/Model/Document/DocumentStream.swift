internal import Dispatch
internal import Foundation
internal import Synchronization

/// Processes every document of a large multi-document stream, on all cores.
///
/// A stream is cut at its document markers (a line starting `---`), which YAML forbids inside any scalar, so each
/// piece parses alone; the pieces are composed and transformed in parallel, and the results come back in stream
/// order with locations that point into the whole stream. Small texts and texts with directives are processed in
/// one pass. Either way the results are the same: the stream ends at the first document with a syntax error, as a
/// single parse must end there. Document indexes passed to the transform count from the start of their piece;
/// callers that show indexes number the results.
enum DocumentStream {
    /// Below this size a stream is processed in one pass: splitting would cost more than it saves.
    static let parallelThreshold = 128 * 1024

    /// The transform of every document, in stream order, with stream-wide indexes.
    static func map<R: Sendable>(
        _ text: String, _ transform: @Sendable (ParsedDocument) -> R
    ) -> [R] {
        var contiguous = text
        contiguous.makeContiguousUTF8()
        let text = contiguous
        let pieces = text.utf8.count >= parallelThreshold ? split(text) : []
        guard pieces.count > 1 else {
            var results: [R] = []
            ParsedDocument.forEach(in: text) { results.append(transform($0)) }
            return results
        }
        let workers = min(pieces.count, max(1, ProcessInfo.processInfo.activeProcessorCount * 4))
        let output = Mutex<[[ParsedDocumentResult<R>]]>(Array(repeating: [], count: workers))
        let batch = (pieces.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var results: [ParsedDocumentResult<R>] = []
            for piece in pieces[min(worker * batch, pieces.count)..<min((worker + 1) * batch, pieces.count)] {
                let composer = YAMLComposer(text[piece.range], firstLine: piece.firstLine)
                var stopped = false
                while !stopped, let document = composer.next() {
                    stopped = document.root == nil
                    results.append(ParsedDocumentResult(parsed: document.root != nil, value: transform(document)))
                }
            }
            output.withLock { $0[worker] = results }
        }
        let results = output.withLock { $0 }.joined()
        let end = results.firstIndex { !$0.parsed }.map { results.index(after: $0) } ?? results.endIndex
        return results[..<end].map(\.value)
    }

    /// A piece of the stream: a byte range and the line it starts on.
    struct Piece: Sendable {
        let range: Range<String.UTF8View.Index>
        let firstLine: Int
    }

    /// Cuts `text` before every line that starts with `---` followed by a space, a tab or the end of the line.
    /// Returns no pieces for a stream that uses directives (`%YAML`), which apply across documents, or whose
    /// storage is not contiguous UTF-8.
    static func split(_ text: String) -> [Piece] {
        let utf8 = text.utf8
        let offsets: [(start: Int, line: Int)]? = utf8.withContiguousStorageIfAvailable { bytes in
            var starts: [(start: Int, line: Int)] = [(0, 1)]
            var line = 1
            var index = 0
            let count = bytes.count
            while index < count {
                // `index` is at the start of a line here.
                let byte = bytes[index]
                if byte == UInt8(ascii: "%") { return nil }
                if byte == UInt8(ascii: "-"), index > 0, index + 2 < count, bytes[index + 1] == UInt8(ascii: "-"),
                    bytes[index + 2] == UInt8(ascii: "-")
                {
                    let next = index + 3 < count ? bytes[index + 3] : UInt8(ascii: "\n")
                    if next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\n")
                        || next == UInt8(ascii: "\r")
                    {
                        starts.append((index, line))
                    }
                }
                while index < count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                index += 1
                line += 1
            }
            return starts
        } ?? nil
        guard let offsets else { return [] }
        var pieces: [Piece] = []
        pieces.reserveCapacity(offsets.count)
        for (position, offset) in offsets.enumerated() {
            let end = position + 1 < offsets.count ? offsets[position + 1].start : utf8.count
            guard end > offset.start else { continue }
            let range = utf8.index(utf8.startIndex, offsetBy: offset.start)..<utf8.index(utf8.startIndex, offsetBy: end)
            pieces.append(Piece(range: range, firstLine: offset.line))
        }
        return pieces
    }
}

/// A transformed document kept with its source while results are gathered.
private struct ParsedDocumentResult<R: Sendable>: Sendable {
    /// Whether the document parsed; the stream ends after the first that did not.
    let parsed: Bool
    let value: R
}
