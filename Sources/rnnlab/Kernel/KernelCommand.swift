import ArgumentParser
import Foundation

/// `rnnlab kernel -f FILE`: the Jupyter kernel (what the kernelspec runs), and
/// `rnnlab kernel install`: write that kernelspec.
struct Kernel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run rnnlab as a Jupyter kernel (rnnlab kernel install makes Jupyter find it).",
        discussion: """
            Jupyter starts the kernel with a connection file (-f); each execute request is a cell \
            of a store session, as in the REPL. Interrupt stops a train at its next chunk and rolls \
            it back to its last whole epoch.
            """,
        subcommands: [KernelInstall.self]
    )

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote.", valueName: "file"))
    var connectionFile: String?

    @OptionGroup var store: StoreOptions
    @ParentCommand var root: RNNLab

    func run() throws {
        // Checked here, not in validate(): argument-parser validates the parent of `kernel install` too.
        guard let path = connectionFile else {
            throw ValidationError("kernel needs -f FILE, the connection file Jupyter writes ('rnnlab kernel install' sets that up)")
        }
        let connection: ConnectionInfo
        do {
            connection = try ConnectionFile.read(path)
        } catch {
            Console.write("rnnlab: \(error)\n", to: .error)
            throw ExitCode(BatchRunner.ExitStatus.usage)
        }
        Signals.installInterruptHandler()  // before any thread starts: interrupt_mode is signal
        let server: KernelServer
        do {
            server = try KernelServer(connection: connection, storePath: root.store.merged(with: store).path())
        } catch {
            Console.write("rnnlab kernel: \(error)\n", to: .error)
            throw ExitCode(BatchRunner.ExitStatus.usage)
        }
        server.run()
    }
}

/// `rnnlab kernel install [--user | --prefix DIR] [--name NAME] [--store PATH]`.
struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write the kernelspec (kernel.json) where Jupyter looks for kernels.",
        discussion: """
            --user (the default) writes to the user's Jupyter data folder ($JUPYTER_DATA_DIR, else \
            ~/.local/share/jupyter)/kernels/NAME; --prefix DIR to DIR/share/jupyter/kernels/NAME \
            (for a venv: --prefix "$VIRTUAL_ENV"). The kernel runs this binary by its absolute path.
            """
    )

    @Flag(help: "Install for this user (the default).")
    var user = false

    @Option(help: ArgumentHelp("Install under DIR/share/jupyter/kernels.", valueName: "dir"))
    var prefix: String?

    @Option(help: ArgumentHelp("The kernel's name, the folder Jupyter knows it by.", valueName: "name"))
    var name = "rnnlab"

    @Option(help: ArgumentHelp("The store every session of this kernel records into (default: $RNNLAB_STORE, else rnnlab.sqlite in the notebook's folder).", valueName: "path"))
    var store: String?

    @ParentCommand var kernel: Kernel

    /// `--store` wherever on the line it was given (argument-parser may hand it to a parent).
    var storePath: String? { store ?? kernel.store.store ?? kernel.root.store.store }

    func validate() throws {
        if user && prefix != nil { throw ValidationError("--user and --prefix exclude each other: give one") }
        if !KernelSpec.isValidName(name) {
            throw ValidationError("--name '\(name)' is not a kernel name (letters, digits, '.', '_' and '-')")
        }
    }

    func run() throws {
        let directory = KernelSpec.directory(prefix: prefix, name: name, environment: ProcessInfo.processInfo.environment)
        do {
            let path = try KernelSpec.install(into: directory, binary: KernelSpec.currentBinary(),
                                              store: storePath.map(KernelSpec.absolute))
            Console.write("installed kernel '\(name)': \(path)\n", to: .output)
        } catch {
            Console.write("rnnlab: cannot write the kernelspec into '\(directory)': \(error.localizedDescription)\n", to: .error)
            throw ExitCode(BatchRunner.ExitStatus.usage)
        }
    }
}
