import Foundation
import Testing
@testable import rnnlab

/// `rnnlab kernel install`: where the kernelspec goes and what it says.
@Suite struct KernelSpecTests {
    @Test func theSpecRunsThisBinaryWithTheConnectionFile() throws {
        let plain = try #require(JSONValue.decoded(KernelSpec.json(binary: "/opt/bin/rnnlab", store: nil)))
        #expect(plain["argv"] == ["/opt/bin/rnnlab", "kernel", "-f", "{connection_file}"])
        #expect(plain["display_name"] == "rnnlab" && plain["language"] == "rnnlab")
        #expect(plain["interrupt_mode"] == "signal")
        let stored = try #require(JSONValue.decoded(KernelSpec.json(binary: "/b", store: "/data/s.sqlite")))
        #expect(stored["argv"] == ["/b", "kernel", "-f", "{connection_file}", "--store", "/data/s.sqlite"])
    }

    @Test func theFolderFollowsJupytersRules() {
        #expect(KernelSpec.directory(prefix: "/p", name: "rnnlab", environment: [:]) == "/p/share/jupyter/kernels/rnnlab")
        #expect(KernelSpec.directory(prefix: nil, name: "k", environment: ["HOME": "/home/u", "JUPYTER_DATA_DIR": "/j"])
                == "/j/kernels/k")
        #if !os(macOS)
        #expect(KernelSpec.directory(prefix: nil, name: "k", environment: ["HOME": "/home/u"])
                == "/home/u/.local/share/jupyter/kernels/k")
        #expect(KernelSpec.directory(prefix: nil, name: "k", environment: ["HOME": "/home/u", "XDG_DATA_HOME": "/x"])
                == "/x/jupyter/kernels/k")
        #endif
    }

    @Test func installWritesKernelJSONWithAnAbsoluteBinaryAndStore() throws {
        let scratch = try Scratch()
        let result = try Binary.run(["kernel", "install", "--prefix", "pre", "--name", "rnn-test", "--store", "s.sqlite"],
                                    in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        let file = scratch.url.appendingPathComponent("pre/share/jupyter/kernels/rnn-test/kernel.json")
        let spec = try #require(JSONValue.decoded(try Data(contentsOf: file)))
        guard case let .array(argv)? = spec["argv"] else { Issue.record("no argv"); return }
        #expect(argv.count == 6)
        let binary = try #require(argv.first?.string)
        #expect(binary.hasPrefix("/") && FileManager.default.isExecutableFile(atPath: binary))
        #expect(argv[5].string?.hasPrefix("/") == true && argv[5].string?.hasSuffix("/s.sqlite") == true)
    }

    @Test(arguments: [["kernel", "install", "--user", "--prefix", "x"], ["kernel", "install", "--name", "a b"]])
    func badInstallOptionsAreUsageErrors(arguments: [String]) throws {
        let result = try Binary.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
    }
}
