import DaemonMeasurement
import EOSKit
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization

/// The memory of the gRPC stack EOS is built on, with no EOS code in the server: a grpc-swift-2 server over mutual TLS
/// in a process of its own, and N clients, each with its own certificate and connection, each holding one
/// bidirectional stream open, as each node holds its attach stream at its site. Prints the server's resident memory
/// with no client, and once every stream is open and has echoed a message.
///
///     BareStreams [--connections 500]
///
/// `BareStreams --serve TLSDIR` is the server itself: it listens on a loopback port, prints `listening PORT`, and
/// serves until stopped.
@main
struct BareStreams {
    static func main() async {
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == "--serve", arguments.count == 2 {
                try await serve(tls: URL(fileURLWithPath: arguments[1]))
            } else {
                try await measure(arguments)
            }
        } catch {
            FileHandle.standardError.write(Data("BareStreams: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Serves ``HoldService`` with grpc-swift-nio-transport's mutual TLS and its default settings.
    nonisolated static func serve(tls folder: URL) async throws {
        let tls = try await TLSMaterial.load(from: folder)
        let server = GRPCServer(
            transport: HTTP2ServerTransport.Posix(
                address: .ipv4(host: "127.0.0.1", port: 0),
                transportSecurity: .mTLS(
                    certificateChain: [.bytes(Array(tls.certificatePEM.utf8), format: .pem)],
                    privateKey: .bytes(Array(tls.privateKeyPEM.utf8), format: .pem)
                ) { config in
                    config.trustRoots = .certificates([.bytes(Array(tls.caCertificatePEM.utf8), format: .pem)])
                    config.clientCertificateVerification = .noHostnameVerification
                }),
            services: [HoldService()])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            guard let address = try await server.listeningAddress?.ipv4 else {
                throw MeasurementError("the server did not listen")
            }
            say("listening \(address.port)")
        }
    }

    /// Starts the server apart, opens the streams, and prints what the server holds.
    nonisolated static func measure(_ arguments: [String]) async throws {
        guard arguments.isEmpty || (arguments.count == 2 && arguments[0] == "--connections"),
            let count = arguments.count == 2 ? Int(arguments[1]) : 500, count > 0
        else { throw MeasurementError("usage: BareStreams [--connections N]") }
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("eos-bare-streams-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let domain = "bare.example.com"
        let authority = try CertificateAuthority.create(trustDomain: domain)
        let serverTLS = root.appendingPathComponent("server-tls")
        _ = try authority.issue(identity: try SPIFFEIdentity.site("bare", in: domain)).write(to: serverTLS)

        let log = root.appendingPathComponent("server.log")
        let server = try SpawnedProcess(
            CommandLine.arguments[0], ["--serve", serverTLS.path], standardOutput: log.path, standardError: log.path)
        defer {
            server.signal(SIGKILL)
            _ = server.waitUntilExit()
        }
        let port = try await listeningPort(log, server)
        let memory = ProcessSampler(pid: server.pid)
        let report = { (step: String) in
            let mebibytes = { (field: String) in
                String(format: "%5.1f", Double((try? memory.memory(field)) ?? 0) / 1024)
            }
            say(
                "\(step.padding(toLength: 44, withPad: " ", startingAt: 0)) server RSS \(mebibytes("VmRSS")) MiB "
                    + "(\(mebibytes("RssAnon")) MiB heap and stacks, \(mebibytes("RssFile")) MiB files)")
        }
        report("bare gRPC server, no connection")

        var clients: [TLSMaterial] = []
        for index in 1...count {
            let identity = try SPIFFEIdentity.node(String(format: "edge-%04d", index), in: domain)
            clients.append(try await TLSMaterial(authority.issue(identity: identity)))
        }
        let opened = OpenStreams()
        let streams = Task {
            try await withThrowingDiscardingTaskGroup { group in
                for tls in clients {
                    group.addTask { try await hold(port: port, tls: tls, opened: opened) }
                }
            }
        }
        defer { streams.cancel() }
        let start = ContinuousClock.now
        while opened.count.load(ordering: .relaxed) < count {
            guard ContinuousClock.now - start < .seconds(120) else {
                let open = opened.count.load(ordering: .relaxed)
                throw MeasurementError("only \(open) of \(count) streams opened in 120 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        report("\(count) connections, a stream open on each")
        try await Task.sleep(for: .seconds(10))
        report("10 s later")
        say("server peak RSS \(String(format: "%.1f", Double(try memory.memory("VmHWM")) / 1024)) MiB")
    }

    /// One client's connection and stream: sends a message, counts the stream open once it comes back, and holds
    /// the stream until cancelled.
    nonisolated static func hold(port: Int, tls: TLSMaterial, opened: OpenStreams) async throws {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: .mTLS(
                certificateChain: [.bytes(Array(tls.certificatePEM.utf8), format: .pem)],
                privateKey: .bytes(Array(tls.privateKeyPEM.utf8), format: .pem)
            ) { config in
                config.trustRoots = .certificates([.bytes(Array(tls.caCertificatePEM.utf8), format: .pem)])
                config.serverCertificateVerification = .noHostnameVerification
            })
        try await withGRPCClient(transport: transport) { client in
            try await client.bidirectionalStreaming(
                request: StreamingClientRequest { writer in
                    try await writer.write(Array("hello".utf8))
                    try await Task.sleep(for: .seconds(3600))
                },
                descriptor: HoldService.hold, serializer: HoldService.RawBytes(),
                deserializer: HoldService.RawBytes(), options: .defaults
            ) { response in
                for try await _ in response.messages { opened.count.add(1, ordering: .relaxed) }
            }
        }
    }

    /// The port the server prints once it listens.
    static func listeningPort(_ log: URL, _ server: SpawnedProcess) async throws -> Int {
        for _ in 0..<300 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening ") }),
                let port = Int(line.dropFirst("listening ".count))
            {
                return port
            }
            guard server.isRunning else { throw MeasurementError("the server ended: \(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MeasurementError("the server did not listen within 30 s")
    }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// How many streams have echoed their first message.
final class OpenStreams: Sendable {
    let count = Atomic<Int>(0)
}
