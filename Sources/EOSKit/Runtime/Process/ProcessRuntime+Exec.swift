import Subprocess

extension ProcessRuntime {
    private enum ExecOutcome: Sendable {
        case finished(ExecResult)
        case failed(RuntimeError)
        case timedOut
        case cancelled
    }

    /// Runs `command` beside the workload's running process, with its environment and working directory, stdin
    /// from `/dev/null`; returns its exit code and the end of its output (stdout and stderr together, at most
    /// ``ProcessRuntimeConfiguration/execOutputLimit`` bytes). After `timeout` its process group is killed and the
    /// call fails with ``RuntimeError/Code/timedOut``.
    public func exec(_ id: String, command: [String], timeout: Duration) async throws(RuntimeError) -> ExecResult {
        try Self.checkCancellation("exec in \(id)")
        guard let first = command.first, !first.isEmpty else {
            throw RuntimeError(code: .failed, message: "cannot exec in \(id): empty command")
        }
        let record = state.withLock { table -> (ProcessRecord, Int32?)? in
            guard let entry = table.entries[id] else { return nil }
            return (entry.record, table.runningPID(id) ?? nil)
        }
        guard let (record, pid) = record else { throw ProcessTable.notFound(id) }
        guard pid != nil else {
            throw RuntimeError(code: .failed, message: "cannot exec in \(id)", runtimeMessage: "not running")
        }
        let launch = try launch(of: record, id: id).running(command)
        let limit = max(0, configuration.execOutputLimit)
        let outcome = await withTaskGroup(of: ExecOutcome.self) { group in
            group.addTask { await Self.execute(launch, outputLimit: limit) }
            group.addTask {
                do {
                    try await self.clock.sleep(for: timeout)
                    return .timedOut
                } catch {
                    return .cancelled
                }
            }
            // Cancelling the command's task makes swift-subprocess kill its group; the group waits for that.
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        switch outcome {
        case .finished(let result):
            return result
        case .failed(let error):
            throw error
        case .timedOut:
            throw RuntimeError(
                code: .timedOut, message: "exec \(first) in \(id) did not finish within \(timeout); killed")
        case .cancelled:
            throw Self.cancelled("exec in \(id)")
        }
    }

    private static func execute(_ launch: ProcessLaunch, outputLimit: Int) async -> ExecOutcome {
        var configuration = launch.configuration
        configuration.platformOptions.teardownSequence = [
            .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1))
        ]
        do {
            let result = try await Subprocess.run(
                configuration, input: .none, output: .sequence, error: .combinedWithOutput
            ) { execution in
                var tail: [UInt8] = []
                for try await chunk in execution.standardOutput {
                    chunk.withUnsafeBytes { tail.append(contentsOf: $0) }
                    if tail.count > 2 * outputLimit { tail.removeFirst(tail.count - outputLimit) }
                }
                return Array(tail.suffix(outputLimit))
            }
            return .finished(
                ExecResult(
                    exitCode: exitCode(result.terminationStatus),
                    output: String(decoding: result.closureResult, as: UTF8.self)))
        } catch {
            if Task.isCancelled { return .cancelled }
            var failure = spawnError(error, launch: launch)
            failure.message = "cannot exec \(launch.command[0]) in \(launch.id)"
            return .failed(failure)
        }
    }
}
