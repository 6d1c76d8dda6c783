import Testing
import ToolHostTestSupport
import ToolHostCore
import ToolHostMemory
import ToolHostNetwork
@testable import ToolHostTools

/// Every subsystem's settings section is read where the executables read their config.
@Suite("The subsystems' settings sections")
struct HostSectionsTests {
    @Test func theRepositorysConfigRoutesArtifactsAsTheBuiltInDefault() throws {
        let repository = FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath)))
        let config = try ConfigLoader.load(explicitPath: FilePath.join(repository, "config.yaml"), environment: [:], currentDirectory: repository,
                                           sections: HostSections.all)
        #expect(config.memory.routing == ArtifactRouting())
        #expect(config.warnings.isEmpty)
    }

    @Test func theStreamingSectionComesFromTheFileOrTheEnvironment() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", "streaming:\n  backend: redis\n  url: redis://cache:6379/2\n  maxlen: 500\n")
        let config = try ConfigLoader.load(environment: ["TOOLHOST_REDIS_URL": "redis://other:6379/0"], currentDirectory: directory.path,
                                           sections: HostSections.all)
        #expect(config.streaming.isEnabled)
        #expect(config.streaming.url == "redis://other:6379/0")
        #expect(config.streaming.maxLength == 500)
        #expect(config.warnings.isEmpty)
        directory.write("toolhost.yaml", "streaming:\n  backend: kafka\n")
        #expect(throws: ToolHostError.self) {
            try ConfigLoader.load(environment: [:], currentDirectory: directory.path, sections: HostSections.all)
        }
    }
}
