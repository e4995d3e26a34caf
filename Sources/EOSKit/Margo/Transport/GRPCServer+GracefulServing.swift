public import GRPCCore

extension GRPCServer {
    /// Serves until the calling task is cancelled, then shuts down gracefully: the server stops accepting, takes in
    /// the connections it has already accepted, and lets open calls finish for up to `grace` before it is torn down.
    ///
    /// Cancelling `serve()` directly can drop a connection accepted in the same instant without closing it, which
    /// SwiftNIO treats as a fatal error; every EOS tier serves this way instead.
    public func serveGracefully(grace: Duration = .seconds(5)) async throws {
        // Unstructured, so the caller's cancellation reaches the server only as a graceful shutdown.
        let serving = Task { try await self.serve() }
        // A server shut down before it served never listens; those waiting for its endpoint learn it has none.
        defer { (transport as? MargoServerTransport)?.serverEnded() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            self.beginGracefulShutdown()
            Task {
                try? await Task.sleep(for: grace)
                serving.cancel()
            }
        }
    }
}
