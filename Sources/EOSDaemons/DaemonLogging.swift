import EOSKit
import Logging

/// Where the daemons log: standard error, one line an event (text, or JSON for log collectors), at the level the
/// operator chose.
enum DaemonLogging {
    /// How log lines are written: `--log-format`.
    enum Format: String, CaseIterable {
        /// swift-log's text lines.
        case text
        /// One JSON object a line (``JSONLogHandler``).
        case json
    }

    /// Sends every logger to standard error at `level` in `format` and returns the daemon's own logger.
    static func start(level: Logger.Level, format: Format = .text, label: String) -> Logger {
        LoggingSystem.bootstrap { name in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: name)
                handler.logLevel = level
                return handler
            case .json:
                return JSONLogHandler(label: name, level: level)
            }
        }
        return Logger(label: label)
    }
}
