public import EOSModel

extension CentralClient {
    /// The rollout status of the deployment named `name`, polled every `interval`: the first answer, then each one
    /// that differs from the last in anything but its time stamp. It goes on until the caller stops iterating (a
    /// wait ends at ``DeploymentStatusSummary/waitOutcome(for:)``) and ends by throwing when a poll fails.
    public func watch(
        _ name: String, every interval: Duration = .seconds(1), detail: Bool = false
    ) -> AsyncThrowingStream<DeploymentStatusSummary, any Error> {
        AsyncThrowingStream { continuation in
            let polling = Task {
                var last: DeploymentStatusSummary?
                do {
                    while !Task.isCancelled {
                        var summary = try await status(of: name, detail: detail)
                        let stamp = summary.updatedAt
                        summary.updatedAt = last?.updatedAt ?? stamp
                        if summary != last {
                            last = summary
                            summary.updatedAt = stamp
                            continuation.yield(summary)
                        }
                        try await Task.sleep(for: interval)
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in polling.cancel() }
        }
    }
}
