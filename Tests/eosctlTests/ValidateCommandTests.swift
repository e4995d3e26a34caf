import Foundation
import Testing

@Suite("eosctl validate")
struct ValidateCommandTests {
    static let validFleet = """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata: {name: hello}
        spec:
          workloads:
            - name: greeter
              process: {command: [/bin/sh, -c, "echo hi"]}

        """

    static let invalidFleet = """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata: {name: Hello}
        spec:
          workloads:
            - name: greeter
              proces: {command: [/bin/sh]}
            - name: greeter
              container: {image: "registry.local/Vision:1.0"}

        """

    @Test("a valid file prints valid: KIND NAME and exits 0")
    func validFile() throws {
        let path = try EOSCtlProcess.temporaryFile(Self.validFleet)
        let outcome = try EOSCtlProcess.run(["validate", "-f", path])
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "valid: FleetDeployment hello\n")
    }

    @Test("every problem is printed as FILE:LINE:COL: PATH: MESSAGE and the exit status is 1")
    func invalidFile() throws {
        let path = try EOSCtlProcess.temporaryFile(Self.invalidFleet)
        let outcome = try EOSCtlProcess.run(["validate", "-f", path])
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        // The misspelt `proces` explains the missing container or process; nothing more is said of workloads[0].
        try #require(lines.count == 3, "\(lines)")
        #expect(lines[0].hasPrefix("\(path):3:18: metadata.name: \"Hello\" is not a DNS-1123 label"))
        #expect(
            lines[1] == "\(path):7:7: spec.workloads[0].proces: unknown field \"proces\"; did you mean \"process\"?")
        #expect(lines[2].hasPrefix("\(path):9:26: spec.workloads[1].container.image: \"registry.local/Vision:1.0\""))
    }

    @Test("'-' reads standard input")
    func standardInput() throws {
        let outcome = try EOSCtlProcess.run(["validate", "-f", "-"], stdin: Self.validFleet)
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "valid: FleetDeployment hello\n")
    }

    @Test("a multi-document stream reports each document, and one bad document fails the run")
    func stream() throws {
        let text =
            Self.validFleet + "---\n" + Self.validFleet.replacingOccurrences(of: "name: hello", with: "name: bye")
            + "---\n" + "apiVersion: eos/v1\nkind: FleetDeployment\nmetadata: {name: broken}\nspec: {}\n"
        let path = try EOSCtlProcess.temporaryFile(text)
        let outcome = try EOSCtlProcess.run(["validate", "-f", path])
        #expect(outcome.status == 1)
        #expect(
            outcome.stdout
                == "valid: FleetDeployment hello\nvalid: FleetDeployment bye\n"
                + "\(path):20:1: spec.workloads: required: list at least one workload, or name an application\n")
    }

    @Test("JSON output carries every verdict and problem")
    func jsonOutput() throws {
        let path = try EOSCtlProcess.temporaryFile(Self.invalidFleet)
        let outcome = try EOSCtlProcess.run(["validate", "-f", path, "-o", "json"])
        #expect(outcome.status == 1)
        let reports = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]])
        let documents = try #require(reports.first?["documents"] as? [[String: Any]])
        let problems = try #require(documents.first?["problems"] as? [[String: Any]])
        #expect(problems.count == 3)
        #expect(problems.first?["path"] as? String == "metadata.name")
        #expect(problems.first?["line"] as? Int == 3)
        #expect(problems.first?["column"] as? Int == 18)
    }

    @Test(
        "bad usage exits 2",
        arguments: [["validate"], ["validate", "--bogus"], ["validate", "-f", "-", "-f", "-"], ["frobnicate"]])
    func badUsage(arguments: [String]) throws {
        let outcome = try EOSCtlProcess.run(arguments)
        #expect(outcome.status == 2)
        #expect(!outcome.stderr.isEmpty)
    }

    @Test("a missing file is reported and exits 1")
    func missingFile() throws {
        let outcome = try EOSCtlProcess.run(["validate", "-f", "/nonexistent/fleet.yaml"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout == "/nonexistent/fleet.yaml: cannot read: no such file\n")
    }

    @Test("every example fleet is valid")
    func examples() throws {
        let folder = EOSCtlProcess.repositoryRoot.appendingPathComponent("Examples/fleets").path
        let outcome = try EOSCtlProcess.run(["validate", "-f", folder])
        #expect(outcome.status == 0, "\(outcome.stdout)")
        let verdicts = outcome.stdout.split(separator: "\n")
        #expect(verdicts.count >= 4)
        #expect(verdicts.allSatisfy { $0.hasPrefix("valid: FleetDeployment ") })
    }
}
