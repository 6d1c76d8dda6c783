import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostMemory

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with the configured embedder and print the vectors (or only a summary).",
        discussion: """
            Checks an embedder configuration (memory.embedder, memory.embedder_url, \
            memory.embedder_model) and shows what the vector index stores. Texts are the \
            arguments, or the lines of --file (- for stdin; line N is index N-1). Each vector is printed as one JSON \
            line {"index", "dimension", "embedding"}; --summary prints only {"embedder", "texts", \
            "dimension", "seconds", "texts_per_second"}, the embedder's throughput.

            Examples:
              toolhost embed "store a log line"
              toolhost embed --file needs.txt --summary
              TOOLHOST_EMBEDDER=ollama toolhost embed "hello"
              TOOLHOST_EMBEDDER=minilm toolhost embed --file needs.txt --summary   # in-process all-MiniLM-L6-v2
            """
    )

    @Argument(help: "Texts to embed.")
    var texts: [String] = []

    @Option(name: .long, help: ArgumentHelp("A file with one text per line (- for stdin).", valueName: "file"), completion: .file())
    var file: String?

    @Flag(name: .long, help: "Print only the embedder, the count, the dimension and the time.")
    var summary = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard texts.isEmpty != (file == nil) else { throw ValidationError("Give texts as arguments or --file, not both and not neither.") }
    }

    func run() throws {
        do throws(ToolHostError) {
            let config = try global.loadConfig()
            var inputs = texts
            if let file {
                let bytes: [UInt8]
                do {
                    bytes = file == "-" ? try FileIO.readAll(descriptor: 0) : try FileIO.read(file)
                } catch {
                    throw ToolHostError(.ioError, "Cannot read \(file): \(error.reason).")
                }
                // One text per line, blank lines included, so `index` is the line number (from 0).
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                if lines.last?.isEmpty == true { lines.removeLast() }
                inputs = lines.map { String(decoding: $0.last == 0x0D ? $0.dropLast() : $0, as: UTF8.self) }
            }
            let embedder = Embedders.make(config.memory)
            let started = MonotonicClock.now()
            let vectors = try embedder.embed(inputs)
            let seconds = MonotonicClock.now() - started
            if summary {
                Console.printJSON([
                    "embedder": .string(embedder.fingerprint), "texts": .int(vectors.count), "dimension": .int(vectors.first?.count ?? 0),
                    "seconds": .double((seconds * 1e6).rounded() / 1e6),
                    "texts_per_second": .double(seconds > 0 ? (Double(vectors.count) / seconds).rounded() : 0),
                ])
                return
            }
            var output: [UInt8] = []
            for (index, vector) in vectors.enumerated() {
                JSONWriter.append(["index": .int(index), "dimension": .int(vector.count),
                                   "embedding": .array(vector.map { .double(Double($0)) })], to: &output)
                output.append(0x0A)
            }
            Console.write(output)
        } catch {
            throw Console.fail(error)
        }
    }
}
