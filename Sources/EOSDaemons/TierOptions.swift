import ArgumentParser

/// The flags every `eosd` tier takes: who it is, where it keeps its state and certificates, where it listens.
struct TierOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A YAML file of settings, keyed by the flags' names.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The id, as in the certificate (spiffe://DOMAIN/eos/ROLE/ID).", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("The folder for the stores and the workloads' files.", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("The folder with ca.pem, cert.pem and key.pem ('eosctl pki issue').", valueName: "dir"))
    var tlsDir: String?

    @Option(help: ArgumentHelp("Where to serve gRPC for the parent.", valueName: "host:port"))
    var grpcListen: String?

    @Option(
        help: ArgumentHelp(
            "Where the parent reaches this tier, if not --grpc-listen (a wildcard host: where it connects from).",
            valueName: "host:port"))
    var advertise: String?

    @Option(
        name: .customLong("label"),
        help: ArgumentHelp("A label deployments select by (repeatable).", valueName: "key=value"))
    var labels: [String] = []

    @Option(
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default info).", valueName: "level")
    )
    var logLevel: String?

    @Option(help: ArgumentHelp("text (default) or json, one object a line.", valueName: "format"))
    var logFormat: String?

    @Option(
        help: ArgumentHelp(
            "An OpenTelemetry collector's OTLP/HTTP base (http://collector:4318) to send traces to; the central also "
                + "forwards the fleet's telemetry there.",
            valueName: "url"))
    var otlpEndpoint: String?

    @Flag(
        help: ArgumentHelp(
            "Keep the code pages a burst of work mapped (for profiling), instead of giving them back to the host "
                + "once the burst is over."))
    var keepCodeResident = false
}
