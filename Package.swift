// swift-tools-version: 6.1
import PackageDescription

/// Semantic memory is optimised in debug builds too: unoptimised, its SIMD code (the vector
/// scans) runs lane by lane through generic calls — the in-process embedder's test against the
/// reference server once took 14 minutes instead of seconds — and its C kernels keep every
/// vector in memory.
let memorySettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
let kernelSettings: [CSetting] = [.unsafeFlags(["-O2"], .when(configuration: .debug))]

let package = Package(
    name: "ToolHost",
    products: [
        .executable(name: "toolhost", targets: ["toolhost"]),
        .library(name: "ToolHostCore", targets: ["ToolHostCore"]),
        .library(name: "ToolHostTools", targets: ["ToolHostTools"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Only ToolHostServe (so only `toolhost-serve`) links these two: they bring full
        // Foundation, which would slow the start-up of every `toolhost run`.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // No traits: Hummingbird's defaults bring full Foundation and ICU for form decoding.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Already in Hummingbird's graph; named for ServiceGroup (SIGTERM drain), Logger, NIO errors,
        // and NIO's HTTP/1.1 parts (the connection limits watch a request's progress).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Process-spawning primitives that Swift cannot reach directly: posix_spawn with a new
        // process group, chdir and closefrom; the child-subreaper flag; pidfd_open; and
        // malloc_trim, for a server after a burst of connections.
        .target(name: "CProcessSupport"),
        // libyaml from the system (Debian libyaml-dev). Used directly rather than through Yams,
        // which links all of Foundation and ICU and tripled start-up time (see NOTES.md).
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // SQLite and libpq from the system (Debian libsqlite3-dev, libpq-dev), wrapped once in
        // ToolHostStorage; nothing above it sees a C pointer. libpq is loaded on first use
        // (CLibPQLoader): linked, it made every process start three times slower.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", providers: [.apt(["libpq-dev"])]),
        .target(name: "CLibPQLoader", dependencies: ["CLibPQ"], linkerSettings: [.linkedLibrary("dl")]),
        // Catalogue + invocation: manifests, schemas, validation, plugin runner, config.
        .target(
            name: "ToolHostCore",
            dependencies: ["CProcessSupport", "CYAML"]
        ),
        // One Database protocol, SQLite and PostgreSQL drivers, migrations, row <-> JSON, bulk copy.
        .target(name: "ToolHostStorage", dependencies: ["ToolHostCore", "CSQLite", "CLibPQ", "CLibPQLoader"]),
        // Clients of other services, beside storage rather than in it: the socket layer
        // (connect, write and reply timeouts; HTTP and Redis share it), the HTTP client
        // (embedders, model servers, HTTP APIs, MCP over HTTP), and Redis's
        // RESP2 client with the stream follower and reconnecting loop of `toolhost tail`. No
        // database in here: the outbox that feeds the streams is a training table, kept with the
        // training data store (ToolHostTools), which depends on both.
        .target(name: "ToolHostNetwork", dependencies: ["ToolHostCore", "CCurlTransport"]),
        // HTTPS for ToolHost's HTTP client: libcurl loaded on first use (linked, its TLS stack
        // would load into every process).
        .target(name: "CCurlTransport", linkerSettings: [.linkedLibrary("dl")]),
        // The vector kernels of semantic memory: int8 dot products for the quantized vector scan,
        // and the in-process embedder's matrix products, GELU, layer norms and attention. Each
        // comes in AVX-512, AVX2 and portable variants, picked once at run time, so the binary
        // still runs on any x86-64 or aarch64 and uses the wide instructions where they exist.
        .target(name: "CVectorKernels", cSettings: kernelSettings),
        // Semantic memory: embedders, vector index backends, the artifact router.
        .target(name: "ToolHostMemory", dependencies: ["ToolHostCore", "ToolHostStorage", "ToolHostNetwork", "CVectorKernels"],
                swiftSettings: memorySettings),
        // Voice features from PCM: WAV decoding, YIN pitch, energy, speech and silence (streamed
        // too), audio quality. Plain Swift on Core: no audio library to install.
        .target(name: "ToolHostAudio", dependencies: ["ToolHostCore"], swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Built-in in-process handlers, one folder per tool, each with the YAML definition that is
        // compiled into the binary (embedInCode: bytes in the code, no bundle, no Foundation).
        .target(
            name: "ToolHostTools",
            dependencies: ["ToolHostCore", "ToolHostStorage", "ToolHostNetwork", "ToolHostMemory", "ToolHostAudio"],
            resources: [
                .embedInCode("AudioFeatures/audio_features.yaml"),
                .embedInCode("ArtifactStore/artifact_store.yaml"),
                .embedInCode("BulkDataStore/bulk_data_store.yaml"),
                .embedInCode("ConversationStore/conversation_store.yaml"),
                .embedInCode("PostgresClient/postgres_client.yaml"),
                .embedInCode("PromptEvolutionStore/prompt_evolution_store.yaml"),
                .embedInCode("ToolsManagerTool/tools_manager.yaml"),
                .embedInCode("TrainingDataStore/training_data_store.yaml"),
            ]
        ),
        // The long-lived host behind `toolhost serve`: in-memory catalogue, worker threads,
        // metrics, and the JSON-lines front end (no dependency beyond our own modules).
        .target(name: "ToolHostService", dependencies: ["ToolHostCore", "ToolHostStorage", "ToolHostTools"]),
        // What both executables share: global options, host selection, console output.
        .target(
            name: "ToolHostCommandLine",
            dependencies: ["ToolHostCore", "ToolHostStorage", "ToolHostNetwork", "ToolHostTools", "CProcessSupport",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The command-line front end: parses, formats, delegates. `toolhost serve` hands over
        // to `toolhost-serve`, installed next to it.
        .executableTarget(
            name: "toolhost",
            dependencies: [
                "ToolHostCore", "ToolHostStorage", "ToolHostNetwork", "ToolHostMemory", "ToolHostTools", "ToolHostCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The three front ends of `toolhost serve` (JSON lines from ToolHostService, MCP on the
        // swift-sdk, HTTP on Hummingbird) as a library, so that a route or an MCP request is a
        // test in-process. Only `toolhost-serve` links it: Hummingbird and the SDK bring full
        // Foundation, which `toolhost run` must not load.
        .target(
            name: "ToolHostServe",
            dependencies: [
                "ToolHostCore", "ToolHostService", "CProcessSupport",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // `toolhost serve --jsonl | --mcp | --http`: the command's declaration and `main`; the
        // front ends are ToolHostServe's.
        .executableTarget(
            name: "toolhost-serve",
            dependencies: [
                "ToolHostCore", "ToolHostTools", "ToolHostService", "ToolHostServe", "ToolHostCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer targets for the parsers callers and other servers reach (scripts/fuzz.sh);
        // built normally, a replayer of Fuzz/corpus.
        .executableTarget(name: "toolhost-fuzz", dependencies: ["ToolHostCore", "ToolHostNetwork", "ToolHostStorage", "ToolHostAudio"], path: "Fuzz/Sources"),
        // Temporary directories and a runner for the real binary, shared by the test targets.
        .target(name: "ToolHostTestSupport", dependencies: ["ToolHostCore", "ToolHostStorage", "ToolHostNetwork", "ToolHostTools"], path: "Tests/ToolHostTestSupport"),
        .testTarget(name: "ToolHostCoreTests", dependencies: ["ToolHostCore", "ToolHostTestSupport"]),
        // Storage with the built-in tables (their migrations, partitions, upgrades).
        .testTarget(name: "ToolHostStorageTests", dependencies: ["ToolHostStorage", "ToolHostTools", "ToolHostMemory", "ToolHostCore", "ToolHostTestSupport"]),
        .testTarget(name: "ToolHostNetworkTests", dependencies: ["ToolHostNetwork", "ToolHostCore", "ToolHostTestSupport"]),
        .testTarget(name: "ToolHostMemoryTests", dependencies: ["ToolHostMemory", "ToolHostStorage", "ToolHostCore", "ToolHostTestSupport"]),
        .testTarget(name: "ToolHostToolsTests", dependencies: ["ToolHostTools", "ToolHostAudio", "ToolHostMemory", "ToolHostStorage", "ToolHostNetwork", "ToolHostCore", "ToolHostTestSupport"],
                    exclude: ["Goldens"]),  // AnswerGoldenTests reads them from the source tree
        // The front ends in-process: routes through Hummingbird's testing client, MCP through
        // the SDK's in-memory transport and its own client.
        .testTarget(
            name: "ToolHostServeTests",
            dependencies: [
                "ToolHostServe", "ToolHostService", "ToolHostTools", "ToolHostCore", "ToolHostTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
        .testTarget(
            name: "ToolHostCLITests",
            dependencies: ["ToolHostCore", "ToolHostStorage", "ToolHostTools", "ToolHostTestSupport", "toolhost", "toolhost-serve"]
        ),
    ]
)
