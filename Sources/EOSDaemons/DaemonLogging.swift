import Logging

/// Where the daemons log: standard error, one line an event, at the level the operator chose.
enum DaemonLogging {
    /// Sends every logger to standard error at `level` and returns the daemon's own logger.
    static func start(level: Logger.Level, label: String) -> Logger {
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}
