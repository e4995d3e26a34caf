import Foundation
import Testing

@testable import EOSRuntime

/// `ctr` output as containerd 1.6.20 (Debian 12) printed it on a cgroup v1 host, captured by hand.
@Suite("ctr output parsing")
struct ContainerdParserTests {
    @Test("ctr tasks ls: id, pid and status by container")
    func tasks() {
        let output = """
            TASK        PID      STATUS    
            a           12940    STOPPED
            shop_web    20589    RUNNING

            """
        let tasks = CtrOutputParser.tasks(output)
        #expect(tasks.count == 2)
        #expect(tasks["shop_web"] == CtrOutputParser.Task(id: "shop_web", pid: 20589, status: "RUNNING"))
        #expect(tasks["a"]?.status == "STOPPED" && tasks["a"]?.pid == 12940)
        #expect(CtrOutputParser.tasks("TASK    PID    STATUS    \n").isEmpty)
    }

    @Test("ctr images ls and ls -q")
    func images() {
        let output = """
            REF                  TYPE                                       DIGEST                                                                  SIZE    PLATFORMS   LABELS 
            local/busybox:latest application/vnd.oci.image.manifest.v1+json sha256:ef0e39f21e7944e7b587b5ff1ca93bb81706d5f6341f7ef856a3d9697050f609 1.0 MiB linux/amd64 -      
            local/ep:latest      application/vnd.oci.image.manifest.v1+json sha256:b5213097634b1774914dbc9badaf9471b9274ce41f595f75248d1e1535e138be 1.0 MiB linux/amd64 -      

            """
        let images = CtrOutputParser.images(output)
        #expect(images.map(\.reference) == ["local/busybox:latest", "local/ep:latest"])
        #expect(images[0].mediaType == "application/vnd.oci.image.manifest.v1+json")
        #expect(images[0].digest == "sha256:ef0e39f21e7944e7b587b5ff1ca93bb81706d5f6341f7ef856a3d9697050f609")
        #expect(!CtrOutputParser.isIndex(mediaType: images[0].mediaType))
        #expect(CtrOutputParser.isIndex(mediaType: "application/vnd.oci.image.index.v1+json"))
        #expect(CtrOutputParser.isIndex(mediaType: "application/vnd.docker.distribution.manifest.list.v2+json"))
        #expect(
            CtrOutputParser.quietList("local/busybox:latest\nlocal/ep:latest\n") == [
                "local/busybox:latest", "local/ep:latest",
            ])
        #expect(CtrOutputParser.quietList("").isEmpty)
    }

    /// `ctr containers info shop_web`, trimmed of most capabilities, devices and mounts.
    static let containerInfo = """
        {
            "ID": "shop_web",
            "Labels": {
                "eos.deployment": "shop",
                "eos.generation": "2",
                "eos.workload": "web",
                "io.containerd.image.config.stop-signal": "SIGTERM"
            },
            "Image": "local/busybox:latest",
            "Runtime": {
                "Name": "io.containerd.runc.v2",
                "Options": {
                    "type_url": "containerd.runc.v1.Options"
                }
            },
            "SnapshotKey": "shop_web",
            "Snapshotter": "overlayfs",
            "CreatedAt": "2026-11-29T07:30:34.50360227Z",
            "UpdatedAt": "2026-11-29T07:30:34.50360227Z",
            "Extensions": null,
            "Spec": {
                "ociVersion": "1.0.2-dev",
                "process": {
                    "user": {"uid": 0, "gid": 0, "additionalGids": [0]},
                    "args": [
                        "/bin/sleep",
                        "300"
                    ],
                    "env": [
                        "PATH=/bin",
                        "EOS_NODE_ID=edge-01",
                        "HOSTNAME=vm"
                    ],
                    "cwd": "/",
                    "capabilities": {"bounding": ["CAP_CHOWN", "CAP_DAC_OVERRIDE"]},
                    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                    "noNewPrivileges": true
                },
                "root": {"path": "rootfs"},
                "mounts": [{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]}],
                "annotations": {"eos.deployment": "shop", "eos.generation": "2", "eos.workload": "web"},
                "linux": {
                    "resources": {
                        "devices": [{"allow": false, "access": "rwm"}],
                        "memory": {"limit": 67108864},
                        "cpu": {"quota": 50000, "period": 100000}
                    },
                    "cgroupsPath": "/exp4/shop_web",
                    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
                }
            }
        }
        """

    @Test("ctr containers info: labels, image, snapshot, process")
    func containerInfo() throws {
        let info = try #require(CtrOutputParser.containerInfo(Self.containerInfo))
        #expect(info.id == "shop_web")
        #expect(info.labels["eos.deployment"] == "shop" && info.labels["eos.generation"] == "2")
        #expect(info.labels["eos.workload"] == "web")
        #expect(info.image == "local/busybox:latest")
        #expect(info.snapshotKey == "shop_web" && info.snapshotter == "overlayfs")
        #expect(info.arguments == ["/bin/sleep", "300"])
        #expect(info.environment.contains("EOS_NODE_ID=edge-01"))
        let created = try #require(info.createdAt)
        #expect(abs(created.timeIntervalSince1970 - 1_795_937_434.503602) < 0.000_01)
        #expect(CtrOutputParser.containerInfo("not json") == nil)
    }

    @Test("ctr tasks metrics --format json on cgroup v1: cpu.usage.total ns, memory.usage.usage bytes")
    func metricsV1() throws {
        let output = """
            {"pids": {"current": 1}, "cpu": {"usage": {"total": 9346075, "per_cpu": [2877093, 6468982]}, \
            "throttling": {"periods": 1}}, "memory": {"cache": 131072, "rss": 53248, "mapped_file": 45056, \
            "dirty": 20480, "pg_pg_in": 477, "pg_pg_out": 432, "pg_fault": 744, "pg_maj_fault": 2, \
            "inactive_anon": 49152, "active_anon": 4096, "active_file": 131072, \
            "hierarchical_memory_limit": 67108864, "hierarchical_swap_limit": 9223372036854771712, \
            "total_cache": 131072, "total_rss": 53248, "usage": {"limit": 67108864, "usage": 577536, "max": 2519040}, \
            "swap": {"limit": 9223372036854771712, "usage": 577536, "max": 2519040}, \
            "kernel": {"limit": 9223372036854771712, "usage": 159744, "max": 516096}, \
            "kernel_tcp": {"limit": 9223372036854771712}}, "blkio": {}, "memory_oom_control": {}}
            """
        let stats = try #require(CtrOutputParser.stats(output))
        #expect(stats == WorkloadStats(cpuNanoseconds: 9_346_075, memoryBytes: 577_536))
    }

    @Test("ctr tasks metrics --format json on cgroup v2: cpu.usage_usec, memory.usage")
    func metricsV2() throws {
        // This host runs cgroup v1; the v2 document has the field names of containerd's cgroups v2 stats
        // (io.containerd.cgroups.v2.Metrics) as ctr's JSON encoder writes them.
        let output = """
            {
              "pids": {"current": 1, "limit": 18446744073709551615},
              "cpu": {"usage_usec": 10214, "user_usec": 3142, "system_usec": 7072},
              "memory": {"usage": 389120, "usage_limit": 67108864, "anon": 49152, "file": 0, "kernel_stack": 16384}
            }
            """
        let stats = try #require(CtrOutputParser.stats(output))
        #expect(stats == WorkloadStats(cpuNanoseconds: 10_214_000, memoryBytes: 389_120))
        #expect(CtrOutputParser.stats("{}") == nil)
        #expect(CtrOutputParser.stats("ID TIMESTAMP") == nil)
    }

    @Test("ctr events: starts and exits of init processes in our namespace, exec exits left out")
    func events() throws {
        let start = """
            2026-11-29 07:17:53.529947551 +0000 UTC exp3 /tasks/start {"container_id":"shop_web","pid":6295}
            """
        #expect(CtrOutputParser.event(start[...], namespace: "exp3") == .started(container: "shop_web", pid: 6295))
        #expect(CtrOutputParser.event(start[...], namespace: "eos") == nil)

        let killed = """
            2026-11-29 07:17:53.580931338 +0000 UTC exp3 /tasks/exit {"container_id":"shop_web","id":"shop_web",\
            "pid":6295,"exit_status":137,"exited_at":"2026-11-29T07:17:53.580882376Z"}
            """
        guard
            case .exited(let container, let pid, let code, let at)? = CtrOutputParser.event(
                killed[...], namespace: "exp3")
        else {
            Issue.record("not an exit")
            return
        }
        #expect(container == "shop_web" && pid == 6295 && code == 137)
        #expect(abs(try #require(at).timeIntervalSince1970 - 1_795_936_673.580882) < 0.000_01)

        // A zero exit status is left out of the JSON.
        let clean = """
            2026-11-29 07:18:51.241217228 +0000 UTC exp3 /tasks/exit {"container_id":"echoer","id":"echoer",\
            "pid":9605,"exited_at":"2026-11-29T07:18:51.241100118Z"}
            """
        guard case .exited(_, _, let cleanCode, _)? = CtrOutputParser.event(clean[...], namespace: "exp3") else {
            Issue.record("not an exit")
            return
        }
        #expect(cleanCode == 0)

        let exec = """
            2026-11-29 07:30:43.807289668 +0000 UTC exp4 /tasks/exit {"container_id":"shop_web","id":"probe1",\
            "pid":20827,"exit_status":1,"exited_at":"2026-11-29T07:30:43.806581499Z"}
            """
        #expect(CtrOutputParser.event(exec[...], namespace: "exp4") == nil)
        let execStarted = """
            2026-11-29 07:30:43.806615984 +0000 UTC exp4 /tasks/exec-started {"container_id":"shop_web",\
            "exec_id":"probe1","pid":20827}
            """
        #expect(CtrOutputParser.event(execStarted[...], namespace: "exp4") == nil)
        #expect(CtrOutputParser.event("", namespace: "exp4") == nil)
        #expect(CtrOutputParser.event("garbage line", namespace: "exp4") == nil)
    }

    @Test("ctr tasks delete reports a non-zero exit code as a warning, nothing for 0")
    func deletedTaskExitCode() {
        #expect(CtrOutputParser.deletedTaskExitCode(stderr: "") == 0)
        #expect(
            CtrOutputParser.deletedTaskExitCode(
                stderr:
                    "time=\"2026-11-29T07:17:54Z\" level=warning msg=\"task shop_web exit with non-zero exit code 137\"\n"
            )
                == 137)
        #expect(
            CtrOutputParser.deletedTaskExitCode(
                stderr: "time=\"2026-11-29T07:24:28Z\" level=warning msg=\"task a exit with non-zero exit code 3\"")
                == 3)
        // Something else said: unknown rather than a made-up 0.
        #expect(CtrOutputParser.deletedTaskExitCode(stderr: "time=\"…\" level=info msg=\"something\"") == nil)
    }

    @Test("ctr's error message: the last ctr: line, else the logrus error")
    func errorMessages() {
        let deleteTwice = """
            time="2026-11-29T07:17:54Z" level=error msg="failed to load task from shop_web" \
            error="no running task found: task shop_web not found: not found"
            ctr: no running task found: task shop_web not found: not found

            """
        #expect(
            CtrOutputParser.errorMessage(stderr: deleteTwice)
                == "no running task found: task shop_web not found: not found")
        let pull = """
            time="2026-11-29T07:18:54Z" level=info msg="trying next host" error="failed to do request: Head \\"https://local/v2/nothere/manifests/1\\": dial tcp: lookup local on 10.255.255.53:53: no such host" host=local
            ctr: failed to resolve reference "local/nothere:1": failed to do request: Head "https://local/v2/nothere/manifests/1": dial tcp: lookup local on 10.255.255.53:53: no such host
            """
        #expect(
            CtrOutputParser.errorMessage(stderr: pull)?.hasPrefix("failed to resolve reference \"local/nothere:1\"")
                == true)
        let logrusOnly =
            #"time="2026-11-29T07:20:27Z" level=error msg="unable to delete exp1" error="namespace \"exp1\" must be empty""#
        #expect(CtrOutputParser.errorMessage(stderr: logrusOnly) == #"namespace "exp1" must be empty"#)
        #expect(CtrOutputParser.errorMessage(stderr: "plain words\n") == "plain words")
        #expect(CtrOutputParser.errorMessage(stderr: "\n") == nil)
    }

    @Test("ctr failures map to EOS's error codes")
    func classification() {
        #expect(
            CtrCommand.classify(
                #"failed to dial "/tmp/nonexist.sock": context deadline exceeded"#) == .runtimeUnavailable)
        #expect(
            CtrCommand.classify(
                #"failed to dial "/tmp/notasock.sock": connection error: desc = "transport: error while dialing: dial unix /tmp/notasock.sock: connect: connection refused""#
            )
                == .runtimeUnavailable)
        #expect(CtrCommand.classify(#"container "a": already exists"#) == .alreadyExists)
        #expect(CtrCommand.classify("task echoer: already exists") == .alreadyExists)
        #expect(CtrCommand.classify(#"container "nosuch" in namespace "exp3": not found"#) == .notFound)
        #expect(CtrCommand.classify(#"image "local/nothere:1": not found"#) == .notFound)
        #expect(CtrCommand.classify("task must be stopped before deletion: running: failed precondition") == .failed)

        let failed = CtrCommand.Result(
            exitCode: 1, standardOutput: "",
            standardError: #"ctr: image "local/nothere:1": not found"# + "\n")
        let error = CtrCommand.error(for: failed, doing: "cannot create container shop_web")
        #expect(error.code == .notFound && error.runtimeMessage == #"image "local/nothere:1": not found"#)
        #expect(error.message == "cannot create container shop_web")
        #expect(CtrCommand.goDuration(.seconds(3)) == "3000ms")
        #expect(CtrCommand.goDuration(.milliseconds(250)) == "250ms")
        #expect(CtrCommand.goDuration(.zero) == "1ms")
    }

    @Test("ctr tasks exec: the command's own exit code, or ctr's failure")
    func execResults() {
        let falseResult = CtrCommand.Result(exitCode: 1, standardOutput: "", standardError: "")
        #expect(ContainerdRuntime.ctrFailure(in: falseResult) == nil)
        let shell = CtrCommand.Result(exitCode: 3, standardOutput: "out\n", standardError: "err\n")
        #expect(ContainerdRuntime.ctrFailure(in: shell) == nil)
        let missing = CtrCommand.Result(
            exitCode: 1, standardOutput: "",
            standardError:
                #"ctr: OCI runtime exec failed: exec failed: unable to start container process: exec: "/bin/nonexist": stat /bin/nonexist: no such file or directory: unknown"#
                + "\n")
        let message = ContainerdRuntime.ctrFailure(in: missing)
        #expect(message?.hasPrefix("OCI runtime exec failed") == true)
        #expect(message.map(ContainerdRuntime.isMissingExecutable) == true)
        let stopped = CtrCommand.Result(
            exitCode: 1, standardOutput: "", standardError: "ctr: cannot exec in a stopped state: unknown\n")
        #expect(ContainerdRuntime.ctrFailure(in: stopped) == "cannot exec in a stopped state: unknown")
        #expect(!ContainerdRuntime.isMissingExecutable("cannot exec in a stopped state: unknown"))
        #expect(
            ContainerdRuntime.isMissingExecutable(
                #"failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/bin/nonexist": stat /bin/nonexist: no such file or directory: unknown"#
            ))
    }

    @Test("image config: index, manifest, config")
    func imageConfig() throws {
        let index = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aaa","size":1,\
            "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},\
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bbb","size":1,\
            "platform":{"architecture":"amd64","os":"linux"}}]}
            """
        #expect(CtrOutputParser.manifestDigest(inIndex: index, os: "linux", architecture: "amd64") == "sha256:bbb")
        #expect(CtrOutputParser.manifestDigest(inIndex: index, os: "linux", architecture: "arm64") == "sha256:aaa")
        #expect(CtrOutputParser.manifestDigest(inIndex: index, os: "linux", architecture: "s390x") == nil)
        // Captured with `ctr content get` from the test image with an entrypoint.
        let manifest = """
            {"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json",\
            "digest":"sha256:9d653149d80169c32f87183a4b0e3d6a4e7f6f11c180723bf81cc72849f73352","size":432},\
            "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",\
            "digest":"sha256:5572e622bbb09f22c9b217352f0a84766605da2ef70ae1ba1c195d084a143cba","size":1084048}]}
            """
        #expect(
            CtrOutputParser.configDigest(inManifest: manifest)
                == "sha256:9d653149d80169c32f87183a4b0e3d6a4e7f6f11c180723bf81cc72849f73352")
        let config = """
            {"created":"2026-11-29T07:17:47.87376669Z","architecture":"amd64","os":"linux","config":\
            {"Entrypoint":["/bin/echo","EP"],"Cmd":["default"]},"rootfs":{"type":"layers","diff_ids":\
            ["sha256:5f07a5bcbc911eca2c7fc3c190e68053a7059cf2dc4d333136ae9b1641eb2221"]},"history":[]}
            """
        let process = try #require(CtrOutputParser.imageProcess(inConfig: config))
        #expect(process.entrypoint == ["/bin/echo", "EP"] && process.command == ["default"])
        #expect(CtrOutputParser.imageProcess(inConfig: #"{"architecture":"amd64"}"#)?.entrypoint == [])
    }

    @Test("RFC 3339 times with nanoseconds, Go's zero time as none")
    func dates() throws {
        let date = try #require(CtrOutputParser.date(rfc3339: "2026-11-29T07:17:53.580882376Z"))
        #expect(abs(date.timeIntervalSince1970 - 1_795_936_673.580882376) < 0.000_001)
        #expect(CtrOutputParser.date(rfc3339: "2026-11-29T07:17:53Z")?.timeIntervalSince1970 == 1_795_936_673)
        #expect(CtrOutputParser.date(rfc3339: "0001-01-01T00:00:00Z") == nil)
        #expect(CtrOutputParser.date(rfc3339: "yesterday") == nil)
    }
}
