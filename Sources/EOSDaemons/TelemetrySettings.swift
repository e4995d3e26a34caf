import EOSKit
import Metrics

/// The telemetry agent's settings, resolved from ``TelemetryOptions``, `EOS_*` variables and the configuration file.
struct TelemetrySettings {
    /// The keys of ``TelemetryOptions`` in a configuration file.
    static let keys: Set<String> = ["telemetry-interval", "telemetry-buffer"]

    /// How often the agent collects.
    let interval: Duration
    /// The most samples the agent holds while its parent is unreachable.
    let bufferCapacity: Int

    /// Resolves and checks the settings; `defaultCapacity` is the tier's own default.
    init(_ options: TelemetryOptions, sources: DaemonSettings, defaultCapacity: Int) throws(DaemonFailure) {
        interval =
            try sources.value(
                "telemetry-interval", flag: options.telemetryInterval,
                SettingParsers.duration(in: .milliseconds(100) ... .seconds(86_400))) ?? .seconds(15)
        bufferCapacity =
            try sources.value(
                "telemetry-buffer", flag: options.telemetryBuffer, SettingParsers.integer(in: 100...10_000_000))
            ?? defaultCapacity
    }

    /// The process's swift-metrics, kept for the telemetry agent: bootstrapped the first time it is asked for, so
    /// EOS's own counters (refused RPCs, among others) travel up with the host's figures.
    static let processMetrics: SwiftMetricsSource = {
        let source = SwiftMetricsSource()
        MetricsSystem.bootstrap(source)
        return source
    }()
}
