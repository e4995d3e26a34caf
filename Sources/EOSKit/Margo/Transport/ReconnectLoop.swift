/// How a child keeps its link to its parent (an Edge Node to its site, a site to the central): run a session until
/// it fails, wait a jittered delay that doubles with each failure in a row, and start again.
public enum ReconnectLoop {
    /// Runs `session` again and again until the task is cancelled. After a session ends, it waits between half and
    /// all of `initialDelay × 2^failures`, at most `maximumDelay`: full jitter, so the children of a parent that
    /// comes back do not call in step. A session that ends without an error resets the count; one that throws is
    /// reported to `onFailure` with the number of failures in a row.
    public static func run(
        initialDelay: Duration, maximumDelay: Duration, clock: any Clock<Duration>,
        onFailure: (_ error: any Error, _ failures: Int) -> Void, session: () async throws -> Void
    ) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await session()
                failures = 0
            } catch {
                if Task.isCancelled { return }
                failures += 1
                onFailure(error, failures)
            }
            let ceiling = min(maximumDelay, initialDelay * (1 << min(failures, 10)))
            try? await clock.sleep(for: ceiling * Double.random(in: 0.5...1))
        }
    }
}
