import ArgumentParser

/// The telemetry agent's flags, which `eosd node` and `eosd site` take.
struct TelemetryOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "How often to collect the host's and workloads' metrics: 15s (default), 500ms, 1m.", valueName: "duration"))
    var telemetryInterval: String?

    @Option(
        help: ArgumentHelp(
            "The most metric samples held while the parent is unreachable; the oldest go first, and are counted "
                + "(default 20000 on a node, 100000 on a site).",
            valueName: "samples"))
    var telemetryBuffer: String?
}
