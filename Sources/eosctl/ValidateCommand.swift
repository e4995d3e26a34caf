import ArgumentParser
import EOSKit
import Foundation

/// `eosctl validate -f FILE...`: checks FleetDeployment and Margo documents without a server.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check fleet specs and Margo documents for every problem, offline.",
        discussion: """
            Reads each FILE (YAML or JSON; multi-document YAML streams too; '-' reads standard input; a folder \
            reads its .yaml, .yml and .json files). Each document is recognised by its kind. Prints \
            'valid: KIND NAME' per valid document and 'FILE:LINE:COL: PATH: MESSAGE' per problem. Exits 0 when \
            every document is valid, 1 otherwise, 2 for bad usage.
            """
    )

    @Option(name: [.customShort("f"), .customLong("filename")], parsing: .upToNextOption, help: "Files to check ('-' for standard input).")
    var files: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: "Output format: text or json.")
    var output: ValidationOutputFormat = .text

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file with -f FILE ('-' reads standard input)") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
    }

    func run() async throws {
        var reports: [FileValidationReport] = []
        for source in try DocumentSources.expand(files) {
            reports.append(FileValidationReport.check(source))
        }
        let text: String
        switch output {
        case .text: text = reports.map(\.text).joined()
        case .json: text = try FileValidationReport.json(reports)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
        if !reports.allSatisfy(\.isValid) { throw ExitCode(ExitStatus.failure) }
    }
}

/// How `eosctl validate` prints its findings.
enum ValidationOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
