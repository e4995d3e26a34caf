extension Array where Element: Sendable {
    /// The elements as a stream that ends after the last, as a child's stream of reports does.
    var throwingStream: AsyncThrowingStream<Element, any Error> {
        AsyncThrowingStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
